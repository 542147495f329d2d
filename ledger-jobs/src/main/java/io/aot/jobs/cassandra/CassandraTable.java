package io.aot.jobs.cassandra;

import java.io.Serializable;
import java.util.Collections;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.types.Row;

/**
 * One Cassandra table a job writes: its upsert and the types of its bind values, in order. With
 * {@code writeTimestamp}, the last bind value is the write's timestamp ({@code USING TIMESTAMP}), not a column.
 * Writes are upserts keyed by what makes a row unique, so a replay after a failover writes the same rows again.
 */
public record CassandraTable(String name, String columns, TypeInformation<?>[] types, boolean writeTimestamp)
        implements Serializable {

    public CassandraTable(String name, String columns, TypeInformation<?>[] types) {
        this(name, columns, types, false);
    }

    public String upsert(String keyspace) {
        int columnCount = types.length - (writeTimestamp ? 1 : 0);
        String marks = String.join(",", Collections.nCopies(columnCount, "?"));
        return "INSERT INTO " + keyspace + "." + name + " (" + columns + ") VALUES (" + marks + ")"
                + (writeTimestamp ? " USING TIMESTAMP ?" : "");
    }

    public RowTypeInfo rowType() {
        return new RowTypeInfo(types);
    }

    /** Writes {@code rows} (typed as this table's rows) into {@code keyspace}, parallelism 1. */
    public DataStreamSink<Row> write(DataStream<Row> rows, String keyspace, CassandraConnection cassandra) {
        return rows.sinkTo(sink(keyspace, cassandra)).name("cassandra-" + name).uid("cassandra-" + name)
                .setParallelism(1);
    }

    public CassandraRowSink sink(String keyspace, CassandraConnection cassandra) {
        return new CassandraRowSink(cassandra, CassandraRowSink.Statements.upsertOnly(keyspace + "." + name,
                upsert(keyspace)));
    }
}
