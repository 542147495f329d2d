package io.aot.ads.store;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.jobs.cassandra.CassandraRowSink;
import org.apache.flink.types.Row;

/**
 * An {@code aot_ads} table the audience job writes (schema: aot_ads.cql): columns in bind order, the first
 * {@code keyColumns} of which are its primary key; {@code deletable} tables take DELETE rows.
 */
public record AdsTable(String name, List<String> columns, TypeInformation<?>[] types, int keyColumns,
        boolean deletable) implements Serializable {

    /** Members are spread over this many partitions per segment, so no partition grows with a segment. */
    public static final int MEMBER_BUCKETS = 1_024;

    public static final AdsTable SEGMENT_MEMBERS = new AdsTable("segment_members",
            List.of("segment_id", "bucket", "member", "pseudonym_key_id", "added_at", "segment_version"),
            new TypeInformation<?>[] {Types.STRING, Types.INT, Types.STRING, Types.STRING, Types.INSTANT, Types.INT}, 3,
            true);
    public static final AdsTable SEGMENTS_BY_MEMBER = new AdsTable("segments_by_member",
            List.of("member", "segment_id", "added_at"),
            new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.INSTANT}, 2, true);
    public static final AdsTable SEGMENT_STATUS = new AdsTable("segments",
            List.of("segment_id", "version", "member_count", "published", "updated_at"),
            new TypeInformation<?>[] {Types.STRING, Types.INT, Types.LONG, Types.BOOLEAN, Types.INSTANT}, 1, false);
    public static final AdsTable SEGMENT_DEFINITIONS = new AdsTable("segments",
            List.of("segment_id", "version", "definition", "defined_at"),
            new TypeInformation<?>[] {Types.STRING, Types.INT, Types.STRING, Types.INSTANT}, 1, false);
    public static final AdsTable OPT_OUTS = new AdsTable("opt_outs", List.of("member", "opted_out", "updated_at"),
            new TypeInformation<?>[] {Types.STRING, Types.BOOLEAN, Types.INSTANT}, 1, false);

    public static int bucket(String member) {
        return Math.floorMod(member.hashCode(), MEMBER_BUCKETS);
    }

    public String upsert(String keyspace) {
        return "INSERT INTO " + keyspace + "." + name + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
    }

    /** Null for a table that is only upserted. */
    public String delete(String keyspace) {
        if (!deletable) {
            return null;
        }
        return "DELETE FROM " + keyspace + "." + name + " WHERE "
                + String.join(" AND ", columns.subList(0, keyColumns).stream().map(c -> c + " = ?").toList());
    }

    public RowTypeInfo rowType() {
        return new RowTypeInfo(types);
    }

    /** Upserts each row; a DELETE row (a member leaving a segment) deletes by the first {@code keyColumns} fields. */
    public void write(DataStream<Row> rows, String keyspace, CassandraConnection cassandra) {
        rows.sinkTo(new CassandraRowSink(cassandra, new CassandraRowSink.Statements(keyspace + "." + name,
                upsert(keyspace), delete(keyspace), keyColumns))).name("cassandra-" + name).uid("cassandra-" + name
                + "-" + columns.get(columns.size() - 1));
    }
}
