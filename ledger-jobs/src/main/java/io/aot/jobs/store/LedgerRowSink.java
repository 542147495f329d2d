package io.aot.jobs.store;

import java.nio.ByteBuffer;
import org.apache.flink.streaming.connectors.cassandra.CassandraRowSink;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;
import org.apache.flink.types.Row;

/** The connector's row sink, binding our Flink-typed day and blob fields as the 3.x driver's date and blob. */
final class LedgerRowSink extends CassandraRowSink {

    private static final long serialVersionUID = 1L;

    LedgerRowSink(int rowArity, String insertQuery, ClusterBuilder builder) {
        super(rowArity, insertQuery, builder);
    }

    @Override
    protected Object[] extract(Row record) {
        Object[] values = super.extract(record);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof java.sql.Date day) {
                values[i] = LedgerTableRows.cqlDate(day);
            } else if (values[i] instanceof byte[] bytes) {
                values[i] = ByteBuffer.wrap(bytes);
            }
        }
        return values;
    }
}
