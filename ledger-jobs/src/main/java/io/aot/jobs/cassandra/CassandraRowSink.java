package io.aot.jobs.cassandra;

import com.datastax.driver.core.LocalDate;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.flink.streaming.connectors.cassandra.AbstractCassandraTupleSink;
import org.apache.flink.streaming.connectors.cassandra.CassandraSinkBaseConfig;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;
import org.apache.flink.streaming.connectors.cassandra.NoOpCassandraFailureHandler;
import org.apache.flink.types.Row;

/**
 * The connector's tuple sink for our rows ({@link CassandraTable}): binds the Flink-typed day ({@code java.time.LocalDate}) and blob fields as the 3.x driver's date and blob,
 * and bounds the writes in flight. The connector's default is unbounded: under load (bench pipeline) the driver's
 * per-host queue (256) overflowed with {@code BusyPoolException} and the job restarted; with the bound, a slow
 * Cassandra back-pressures the job instead. An absent value (a null field) is left unset rather than bound as null:
 * a bound null writes a tombstone, and a full scan of a ledger table then read ~1 tombstone per row (the demo's
 * {@code count(*)} failed on them). Every row is a complete upsert of a fact, so null never means "clear this cell".
 */
public final class CassandraRowSink extends AbstractCassandraTupleSink<Row> {

    private static final long serialVersionUID = 1L;
    static final int MAX_CONCURRENT_WRITES = 64;
    static final Duration MAX_WAIT_FOR_A_WRITE_SLOT = Duration.ofMinutes(2);

    private final int rowArity;

    public CassandraRowSink(int rowArity, String insertQuery, ClusterBuilder builder) {
        super(insertQuery, builder, CassandraSinkBaseConfig.newBuilder().setMaxConcurrentRequests(MAX_CONCURRENT_WRITES)
                .setMaxConcurrentRequestsTimeout(MAX_WAIT_FOR_A_WRITE_SLOT).setIgnoreNullFields(true).build(), new NoOpCassandraFailureHandler());
        this.rowArity = rowArity;
    }

    @Override
    protected Object[] extract(Row record) {
        Object[] values = new Object[rowArity];
        for (int i = 0; i < rowArity; i++) {
            values[i] = bindValue(record.getField(i));
        }
        return values;
    }

    /** A row field as the 3.x driver binds it: a day as the driver's date, bytes as a blob, anything else as is. */
    public static Object bindValue(Object v) {
        if (v instanceof java.time.LocalDate day) {
            return cqlDate(day);
        }
        return v instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : v;
    }

    /** A CQL date for the driver from the row's day (both zone-free: year, month, day). */
    static LocalDate cqlDate(java.time.LocalDate day) {
        return LocalDate.fromYearMonthDay(day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }
}
