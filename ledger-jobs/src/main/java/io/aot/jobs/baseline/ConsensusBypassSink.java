package io.aot.jobs.baseline;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.aot.consensus.node.HostPort;
import io.aot.ledger.state.LedgerTxCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * The benchmark's baseline in place of the consensus sink: each validated, deduplicated, ordered transaction goes
 * straight into a {@code transactions_by_id} table (tx id, kind, terminal, merchant, currency, amount, bytes) with no
 * validators, no block and no ledger rules, so {@code aot bench pipeline} can state consensus's cost as a ratio.
 * Idempotent upserts, at most {@code maxInFlight} writes outstanding; {@link SinkWriter#flush} (every checkpoint) waits
 * for all of them, so a checkpoint covers only what Cassandra has: at least once, and upserts make it exactly-once rows.
 * Not for production: it skips exactly what the platform exists for.
 */
public final class ConsensusBypassSink implements Sink<byte[]> {

    private static final long serialVersionUID = 1L;

    private final String contactPoint;
    private final String keyspace;
    private final int maxInFlight;

    public ConsensusBypassSink(String contactPoint, String keyspace, int maxInFlight) {
        this.contactPoint = contactPoint;
        this.keyspace = keyspace;
        this.maxInFlight = maxInFlight;
    }

    @Override
    @SuppressWarnings("deprecation") // Flink 1.20 still requires the InitContext variant
    public SinkWriter<byte[]> createWriter(InitContext context) {
        return new Writer(contactPoint, keyspace, maxInFlight);
    }

    static final class Writer implements SinkWriter<byte[]> {
        private final CqlSession session;
        private final PreparedStatement upsert;
        private final Semaphore inFlight;
        private final int maxInFlight;
        private final LedgerTxCodec codec = new LedgerTxCodec();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Writer(String contactPoint, String keyspace, int maxInFlight) {
            this.session = CqlSession.builder().addContactPoint(HostPort.parse(contactPoint))
                    .withLocalDatacenter("datacenter1").build();
            this.upsert = session.prepare("INSERT INTO " + keyspace + ".transactions_by_id (tx_id, kind, result_code, "
                    + "terminal_id, merchant_id, currency, amount_minor, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            this.maxInFlight = maxInFlight;
            this.inFlight = new Semaphore(maxInFlight);
        }

        @Override
        public void write(byte[] tx, Context context) throws IOException, InterruptedException {
            rethrow();
            LedgerTxCodec.Decoded d = codec.decode(tx);
            if (d.payment() == null) {
                return; // the baseline carries terminal payments only (the benchmark sends nothing else)
            }
            var p = d.payment();
            inFlight.acquire();
            CompletionStage<AsyncResultSet> done = session.executeAsync(upsert.bind(p.getTxId(), p.getKind().name(),
                    "BASELINE", p.getTerminalId(), p.getMerchantId(), p.getAmount().getCurrency().name(),
                    p.getAmount().getAmountMinor().toBigIntegerExact(), ByteBuffer.wrap(tx)));
            done.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                inFlight.release();
            });
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            inFlight.acquire(maxInFlight);
            inFlight.release(maxInFlight);
            rethrow();
        }

        private void rethrow() throws IOException {
            if (failure.get() != null) {
                throw new IOException("Cassandra write failed", failure.get());
            }
        }

        @Override
        public void close() throws Exception {
            flush(true);
            session.close();
        }
    }
}
