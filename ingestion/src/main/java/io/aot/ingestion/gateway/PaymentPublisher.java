package io.aot.ingestion.gateway;

import io.aot.avro.TerminalPayment;
import io.aot.schemas.serde.AvroCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes accepted payments to {@code aot.terminal.tx.v1} (Avro single-object encoding, keyed by terminal) with an
 * idempotent producer ({@code acks=all}), and says when that is not possible right now so that the gateway refuses
 * fast instead of queueing: more than {@code maxInFlight} payments unacknowledged ({@code KAFKA_BACKLOG}) or the
 * cluster not answering the last health probe ({@code KAFKA_UNAVAILABLE}). A payment whose write times out after
 * {@code deliveryTimeoutMs} is failed to the caller; Kafka does not retry it after that, so a 503 never turns into a
 * late write. (It may have been written just before the timeout: the ingest job's dedupe makes the terminal's retry
 * harmless.)
 */
public final class PaymentPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final String topic;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
    private final ScheduledExecutorService prober;
    private volatile boolean clusterReachable = true;

    public PaymentPublisher(String bootstrapServers, String topic, int maxInFlight, long deliveryTimeoutMs) {
        if (maxInFlight < 1 || deliveryTimeoutMs < 1000) {
            throw new IllegalArgumentException("maxInFlight must be >= 1 and deliveryTimeoutMs >= 1000");
        }
        this.topic = topic;
        this.maxInFlight = maxInFlight;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Small linger: the client waits for the ack. No compression: with 12 partitions the batches are small, and
        // per-batch LZ4 set-up cost more gateway CPU than it saved on loopback (bench ingest profile).
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeoutMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(500, deliveryTimeoutMs / 2)));
        // send() runs on the event loop: it may only block for metadata, and never long.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "250");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000));
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-kafka-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Fetches the topic's metadata once (so the first send does not block the event loop), then probes every second. */
    public void start(Duration startTimeout) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            try {
                producer.partitionsFor(topic); // blocks up to max.block.ms per attempt
                break;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no metadata for topic " + topic + " within " + startTimeout
                            + " (is Kafka up, does the topic exist?)", e);
                }
            }
        }
        while (!probe() && System.nanoTime() < deadline) {
            sleep(200);
        }
        prober.scheduleWithFixedDelay(() -> clusterReachable = probe(), 1, 1, TimeUnit.SECONDS);
    }

    private boolean probe() {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500)).nodes()
                    .get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** Null when the payment may be sent now, else the code of the 503 to answer. */
    public String refusal() {
        if (!clusterReachable) {
            return "KAFKA_UNAVAILABLE";
        }
        return inFlight.get() >= maxInFlight ? "KAFKA_BACKLOG" : null;
    }

    public boolean clusterReachable() {
        return clusterReachable;
    }

    /** Sends the payment; completes when Kafka acknowledged it (acks=all) or failed for good. */
    public CompletableFuture<RecordMetadata> publish(TerminalPayment payment) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        inFlight.incrementAndGet();
        try {
            producer.send(new ProducerRecord<>(topic, null, payment.getReceivedAtMillis().toEpochMilli(),
                    payment.getTerminalId(), codec.encode(payment)), (meta, e) -> {
                        inFlight.decrementAndGet();
                        if (e != null) {
                            done.completeExceptionally(e);
                        } else {
                            done.complete(meta);
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            done.completeExceptionally(e);
        }
        return done;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
