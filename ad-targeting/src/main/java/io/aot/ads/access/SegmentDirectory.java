package io.aot.ads.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.ads.profile.MarketCalendar;
import io.aot.ads.store.AdsTable;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the segments the audience job wrote, and exports members: the one path both the CLI and the advertiser API
 * take, so every export, whoever asks, is written to {@code export_audit}. Only published segments (size >= k) can be
 * exported; their member tables hold published members only.
 */
public final class SegmentDirectory {

    /** A segment as {@code aot_ads.segments} holds it. */
    public record Segment(String id, int version, long memberCount, boolean published, Instant updatedAt,
            String definition) {
    }

    /** What an export wrote. */
    public record Export(String exportId, String segmentId, int version, long members) {
    }

    private final CqlSession session;
    private final String keyspace;
    private final PreparedStatement bucket;

    public SegmentDirectory(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
        this.bucket = session.prepare("SELECT member, pseudonym_key_id FROM " + keyspace
                + ".segment_members WHERE segment_id = ? AND bucket = ?");
    }

    /** Every segment, published or not (an operator's view). */
    public List<Segment> all() {
        List<Segment> out = new ArrayList<>();
        for (Row r : session.execute("SELECT segment_id, version, member_count, published, updated_at, definition FROM "
                + keyspace + ".segments")) {
            out.add(new Segment(r.getString(0), r.getInt(1), r.isNull(2) ? 0 : r.getLong(2),
                    !r.isNull(3) && r.getBoolean(3), r.getInstant(4), r.getString(5)));
        }
        out.sort(java.util.Comparator.comparing(Segment::id));
        return out;
    }

    public List<Segment> published() {
        return all().stream().filter(Segment::published).toList();
    }

    public Optional<Segment> find(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * Writes the members of published segment {@code id} to {@code out}, one JSON object per line, and records the
     * export. Throws {@link IllegalStateException} for a segment that is not published.
     */
    public Export export(String id, String advertiser, String destination, Writer out) throws IOException {
        Segment s = find(id).filter(Segment::published)
                .orElseThrow(() -> new IllegalStateException("segment " + id + " is not published (unknown, or under k)"));
        long n = 0;
        for (int b = 0; b < AdsTable.MEMBER_BUCKETS; b++) {
            for (Row r : session.execute(bucket.bind(id, b))) {
                out.write("{\"member\":\"" + r.getString(0) + "\",\"pseudonymKeyId\":\"" + r.getString(1) + "\"}\n");
                n++;
            }
        }
        out.flush();
        String exportId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        session.execute(session.prepare("INSERT INTO " + keyspace + ".export_audit (day, exported_at, export_id, "
                + "advertiser, segment_id, segment_version, member_count, destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(LocalDate.ofInstant(now, MarketCalendar.ZONE), now, exportId, advertiser, id, s.version(), n,
                        destination));
        return new Export(exportId, id, s.version(), n);
    }
}
