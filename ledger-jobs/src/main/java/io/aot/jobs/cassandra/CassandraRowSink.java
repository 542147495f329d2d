package io.aot.jobs.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * A Flink sink (Sink V2) that writes rows into one Cassandra table with the 4.x driver: a row of kind
 * {@link RowKind#DELETE} deletes by its first {@code keyColumns} fields (where the table has a delete), any other row
 * upserts all its fields in order. At least once: writes run asynchronously, at most {@link #MAX_WRITES_IN_FLIGHT} at a
 * time, and {@code flush}, which Flink calls before every checkpoint, returns only when every write sent so far is
 * acknowledged at the connection's consistency level; every row is an idempotent upsert or delete of a fact, so a
 * replay after a failure writes the same cells again.
 *
 * <p>Failures: a write that fails (no replica, timeout, refused) fails the job at the next {@code write} or
 * {@code flush} with the table and the driver's reason, so Flink restarts from the last checkpoint; nothing is retried
 * here beyond the driver's own policy. A Cassandra that does not acknowledge any write for
 * {@link #MAX_WAIT_FOR_A_WRITE_SLOT} fails the job the same way instead of blocking it for good.
 *
 * <p>Values: a null field is left unset, never bound as null, since a bound null writes a tombstone (the demo's
 * {@code count(*)} once failed on them) and a row never means "clear this cell"; see {@link #bindValue} for the types.
 */
public final class CassandraRowSink implements Sink<Row> {

    private static final long serialVersionUID = 1L;
    /** Writes in flight per sink subtask: under load an unbounded sink overflowed the driver's per-host queue. */
    static final int MAX_WRITES_IN_FLIGHT = 64;
    static final Duration MAX_WAIT_FOR_A_WRITE_SLOT = Duration.ofMinutes(2);

    /** What a sink writes: one table's upsert and, for a table rows leave, its delete by the leading key columns. */
    public record Statements(String table, String upsertCql, String deleteCqlOrNull, int keyColumns)
            implements Serializable {
        public static Statements upsertOnly(String table, String upsertCql) {
            return new Statements(table, upsertCql, null, 0);
        }
    }

    private final CassandraConnection connection;
    private final Statements statements;

    public CassandraRowSink(CassandraConnection connection, Statements statements) {
        this.connection = connection;
        this.statements = statements;
    }

    @Override
    @SuppressWarnings("deprecation") // Flink 1.20 still requires the InitContext variant
    public SinkWriter<Row> createWriter(InitContext context) {
        return new Writer(connection, statements, context.metricGroup().getNumRecordsSendCounter());
    }

    /** A row field as the 4.x driver binds it: bytes as a blob, a {@code java.util.Date} as a timestamp. */
    public static Object bindValue(Object v) {
        if (v instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        if (v instanceof java.util.Date at) {
            return at.toInstant();
        }
        return v; // java.time.LocalDate is a CQL date as is: year, month, day, no zone involved
    }

    static final class Writer implements SinkWriter<Row> {
        private final CassandraConnection connection;
        private final Statements statements;
        private final CqlSession session;
        private final PreparedStatement upsert;
        private final PreparedStatement delete;
        private final TypeCodec<Object>[] upsertCodecs;
        private final Semaphore slots = new Semaphore(MAX_WRITES_IN_FLIGHT);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Counter written;

        Writer(CassandraConnection connection, Statements statements, Counter written) {
            this.connection = connection;
            this.statements = statements;
            this.written = written;
            this.session = SharedSessions.acquire(connection);
            try {
                this.upsert = session.prepare(statements.upsertCql());
                this.delete = statements.deleteCqlOrNull() == null ? null
                        : session.prepare(statements.deleteCqlOrNull());
                this.upsertCodecs = codecs(upsert.getVariableDefinitions());
            } catch (RuntimeException e) {
                SharedSessions.release(connection);
                throw e;
            }
        }

        @SuppressWarnings("unchecked")
        private TypeCodec<Object>[] codecs(ColumnDefinitions variables) {
            TypeCodec<Object>[] out = new TypeCodec[variables.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = session.getContext().getCodecRegistry().codecFor(variables.get(i).getType());
            }
            return out;
        }

        @Override
        public void write(Row row, Context context) throws IOException, InterruptedException {
            throwIfFailed();
            boolean deleting = row.getKind() == RowKind.DELETE;
            if (deleting && delete == null) {
                throw new IOException("a DELETE row for " + statements.table() + ", which takes upserts only");
            }
            int arity = deleting ? statements.keyColumns() : upsertCodecs.length;
            if (row.getArity() < arity) {
                throw new IOException("a row of " + row.getArity() + " fields for " + statements.table() + ", which binds "
                        + arity);
            }
            // Idempotent (the same cells again), so the driver may retry it on another node or speculatively.
            BoundStatementBuilder bound = (deleting ? delete : upsert).boundStatementBuilder().setIdempotence(true);
            for (int i = 0; i < arity; i++) {
                Object value = bindValue(row.getField(i));
                if (value == null) {
                    continue; // unset: no tombstone
                }
                TypeCodec<Object> codec = upsertCodecs[i]; // a delete's key columns lead the upsert's columns
                if (!codec.accepts(value)) {
                    throw new IOException(statements.table() + " field " + i + " is a " + value.getClass().getName()
                            + ", the column is " + codec.getCqlType().asCql(false, true));
                }
                bound = bound.set(i, value, codec);
            }
            if (!slots.tryAcquire(MAX_WAIT_FOR_A_WRITE_SLOT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("Cassandra at " + connection + " acknowledged no write to " + statements.table()
                        + " within " + MAX_WAIT_FOR_A_WRITE_SLOT.toSeconds() + " s");
            }
            session.executeAsync(bound.build()).whenComplete((result, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                slots.release();
            });
            written.inc();
        }

        /** Returns once every write sent so far is acknowledged, or fails with the first write that was not. */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            if (!slots.tryAcquire(MAX_WRITES_IN_FLIGHT, MAX_WAIT_FOR_A_WRITE_SLOT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("Cassandra at " + connection + " did not acknowledge the writes to "
                        + statements.table() + " in flight within " + MAX_WAIT_FOR_A_WRITE_SLOT.toSeconds() + " s");
            }
            slots.release(MAX_WRITES_IN_FLIGHT);
            throwIfFailed();
        }

        private void throwIfFailed() throws IOException {
            Throwable e = failure.get();
            if (e != null) {
                throw new IOException("a write to " + statements.table() + " at " + connection + " failed: " + e, e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            try {
                // Writes still in flight finish or fail on the session's threads before it may close.
                if (slots.tryAcquire(MAX_WRITES_IN_FLIGHT, 10, TimeUnit.SECONDS)) {
                    slots.release(MAX_WRITES_IN_FLIGHT);
                }
            } finally {
                SharedSessions.release(connection);
            }
        }
    }
}
