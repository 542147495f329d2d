package io.aot.ads.segment;

import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmQuintiles;
import java.io.Serializable;
import java.util.List;

/**
 * An audience segment: the customers whose profile satisfies every {@code all} condition and, when {@code any} is
 * given, at least one of those. {@code version} names the definition: a member's row says which one admitted it.
 */
public record SegmentDefinition(String id, int version, String description, List<Condition> all, List<Condition> any)
        implements Serializable {

    public SegmentDefinition {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new SegmentDefinitionException("BAD_ID", "segment id must be 1-64 of [a-z0-9-]: " + id);
        }
        if (version < 1) {
            throw new SegmentDefinitionException("BAD_VERSION", id + ": version must be >= 1");
        }
        all = List.copyOf(all);
        any = List.copyOf(any);
        if (all.isEmpty() && any.isEmpty()) {
            throw new SegmentDefinitionException("EMPTY_SEGMENT", id + ": no conditions (it would hold everybody)");
        }
    }

    /** Opted-out and expired customers match no segment, whatever the conditions say. */
    public boolean matches(ProfileSnapshot p, RfmQuintiles q) {
        if (!p.counted()) {
            return false;
        }
        for (Condition c : all) {
            if (!c.test(p, q)) {
                return false;
            }
        }
        return any.isEmpty() || any.stream().anyMatch(c -> c.test(p, q));
    }
}
