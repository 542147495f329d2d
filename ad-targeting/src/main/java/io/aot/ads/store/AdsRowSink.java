package io.aot.ads.store;

import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.ResultSet;
import java.time.Instant;
import java.time.Duration;
import org.apache.flink.cassandra.shaded.com.google.common.util.concurrent.ListenableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.connectors.cassandra.AbstractCassandraTupleSink;
import org.apache.flink.streaming.connectors.cassandra.CassandraSinkBaseConfig;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;
import org.apache.flink.streaming.connectors.cassandra.NoOpCassandraFailureHandler;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The connector's tuple sink for the ads tables, which also delete: a row of kind {@link RowKind#DELETE} deletes by
 * its first {@code keyColumns} values (a member leaving a segment), any other row upserts. Writes in flight are
 * bounded and drained at each checkpoint (at least once; upserts and deletes of the same key replay to the same end).
 */
public final class AdsRowSink extends AbstractCassandraTupleSink<Row> {

    private static final long serialVersionUID = 1L;
    static final int MAX_CONCURRENT_WRITES = 64;

    private final int arity;
    private final String deleteQuery;
    private final int keyColumns;
    private transient PreparedStatement delete;

    public AdsRowSink(AdsTable table, String keyspace, ClusterBuilder builder) {
        super(table.upsert(keyspace), builder, CassandraSinkBaseConfig.newBuilder()
                .setMaxConcurrentRequests(MAX_CONCURRENT_WRITES).setMaxConcurrentRequestsTimeout(Duration.ofMinutes(2))
                .setIgnoreNullFields(true).build(), new NoOpCassandraFailureHandler());
        this.arity = table.columns().size();
        this.deleteQuery = table.delete(keyspace);
        this.keyColumns = table.keyColumns();
    }

    @Override
    public void open(Configuration configuration) {
        super.open(configuration);
        if (deleteQuery != null) {
            delete = session.prepare(deleteQuery);
        }
    }

    @Override
    public ListenableFuture<ResultSet> send(Row row) {
        if (row.getKind() == RowKind.DELETE) {
            Object[] key = new Object[keyColumns];
            System.arraycopy(extract(row), 0, key, 0, keyColumns);
            return session.executeAsync(delete.bind(key));
        }
        return super.send(row);
    }

    @Override
    protected Object[] extract(Row row) {
        Object[] values = new Object[arity];
        for (int i = 0; i < arity; i++) {
            Object v = row.getField(i);
            values[i] = v instanceof Instant at ? java.util.Date.from(at) : v;
        }
        return values;
    }
}
