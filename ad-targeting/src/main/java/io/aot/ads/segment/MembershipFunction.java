package io.aot.ads.segment;

import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmQuintiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides which segments each customer is in, continuously: on every profile snapshot, and for every customer when the
 * definitions file or the RFM quintiles change ({@code applyToKeyedState}: a new definition takes effect on the
 * profiles already built, no replay). Emits a delta for each entry and exit, with the reason.
 */
public final class MembershipFunction
        extends KeyedBroadcastProcessFunction<String, ProfileSnapshot, AudienceControl, MembershipDelta> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, AudienceControl> CONTROL = new MapStateDescriptor<>("audience-control",
            BasicTypeInfo.STRING_TYPE_INFO, TypeInformation.of(AudienceControl.class));
    static final ValueStateDescriptor<MemberState> MEMBER = new ValueStateDescriptor<>("member", MemberState.class);
    private static final String CATALOG = "catalog";
    private static final String QUINTILES = "quintiles";

    private transient ValueState<MemberState> member;
    private transient String catalogJson;
    private transient SegmentCatalog catalog;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        member = getRuntimeContext().getState(MEMBER);
    }

    @Override
    public void processElement(ProfileSnapshot s, ReadOnlyContext ctx, Collector<MembershipDelta> out) throws Exception {
        MemberState m = member.value();
        if (m == null) {
            m = new MemberState();
        }
        m.profile = s;
        ReadOnlyBroadcastState<String, AudienceControl> control = ctx.getBroadcastState(CONTROL);
        if (control.contains(CATALOG)) { // before the first definitions arrive, only the profile is kept
            evaluate(m, catalog(control.get(CATALOG)), quintiles(control.get(QUINTILES)), out);
        }
        if (s.expired) {
            member.clear();
        } else {
            member.update(m);
        }
    }

    @Override
    public void processBroadcastElement(AudienceControl c, Context ctx, Collector<MembershipDelta> out) throws Exception {
        BroadcastState<String, AudienceControl> control = ctx.getBroadcastState(CONTROL);
        if (c.catalogJson != null) {
            control.put(CATALOG, c);
        }
        if (c.quintiles != null) {
            AudienceControl held = control.get(QUINTILES);
            if (held != null && held.quintiles.sequence >= c.quintiles.sequence) {
                return; // a replayed or stale publication
            }
            control.put(QUINTILES, c);
        }
        if (!control.contains(CATALOG)) {
            return;
        }
        SegmentCatalog segments = catalog(control.get(CATALOG));
        RfmQuintiles q = quintiles(control.get(QUINTILES));
        ctx.applyToKeyedState(MEMBER, (key, state) -> {
            MemberState m = state.value();
            if (m != null && m.profile != null) {
                evaluate(m, segments, q, out);
                state.update(m);
            }
        });
    }

    /** Moves {@code m} to the segments its profile matches now, emitting a delta per change. */
    static void evaluate(MemberState m, SegmentCatalog catalog, RfmQuintiles q, Collector<MembershipDelta> out) {
        ProfileSnapshot p = m.profile;
        Map<String, Integer> was = new LinkedHashMap<>();
        for (int i = 0; i < m.segments.length; i++) {
            was.put(m.segments[i], m.versions[i]);
        }
        List<String> ids = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        for (SegmentDefinition d : catalog.segments()) {
            Integer version = was.remove(d.id());
            boolean in = d.matches(p, q);
            if (in) {
                ids.add(d.id());
                versions.add(d.version());
                if (version == null) {
                    out.collect(MembershipDelta.of(d.id(), d.version(), p.member, true, MembershipDelta.QUALIFIED));
                } else if (version != d.version()) {
                    out.collect(MembershipDelta.of(d.id(), d.version(), p.member, true,
                            MembershipDelta.DEFINITION_CHANGED));
                }
            } else if (version != null) {
                out.collect(MembershipDelta.of(d.id(), d.version(), p.member, false, exitReason(p, version != d.version())));
            }
        }
        // Still listed but no longer defined.
        was.forEach((id, version) -> out.collect(MembershipDelta.of(id, version, p.member, false,
                MembershipDelta.DEFINITION_REMOVED)));
        m.segments = ids.toArray(new String[0]);
        m.versions = versions.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String exitReason(ProfileSnapshot p, boolean definitionChanged) {
        if (p.optedOut) {
            return MembershipDelta.OPTED_OUT;
        }
        if (p.expired) {
            return MembershipDelta.EXPIRED;
        }
        return definitionChanged ? MembershipDelta.DEFINITION_CHANGED : MembershipDelta.NO_LONGER_QUALIFIED;
    }

    private SegmentCatalog catalog(AudienceControl c) {
        if (!c.catalogJson.equals(catalogJson)) {
            catalog = SegmentCatalog.parse(c.catalogJson);
            catalogJson = c.catalogJson;
        }
        return catalog;
    }

    private static RfmQuintiles quintiles(AudienceControl c) {
        return c == null ? new RfmQuintiles() : c.quintiles;
    }
}
