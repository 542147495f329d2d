package io.aot.ingestion.chain;

import io.aot.avro.ChainFollowerPosition;
import io.aot.avro.ChainTransfer;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Follows a Klaytn/Kaia node and publishes the AOT token's transfers to {@code aot.chain.tx.v1} (key = tx hash).
 *
 * <p>Exactly once across restarts, the way Kafka Connect's exactly-once sources keep their offsets: each range of
 * blocks is published in one Kafka transaction together with the follower's new position (a
 * {@link ChainFollowerPosition} in a compacted topic). A crash before the commit aborts both; on start the follower
 * reads its last committed position and continues from there, so no block is skipped and none is published twice
 * (for read_committed consumers; the ingest job is one). A second follower with the same id fences the first.
 *
 * <p>An unreachable node or a garbage answer is retried with bounded exponential back-off (with jitter), forever:
 * the follower waits at the block it could not read rather than skip it.
 */
public final class ChainFollower implements AutoCloseable {

    /** What a follower reports as it goes (progress lines, tests). */
    public interface Listener {
        void published(long fromBlock, long toBlock, int transfers, long headBlock);

        void retrying(String problem, long delayMs);
    }

    private static final Duration POSITION_READ_TIMEOUT = Duration.ofSeconds(30);

    private final KlaytnRpc rpc;
    private final FollowerSettings settings;
    private final String transferTopic;
    private final String positionTopic;
    private final Clock clock;
    private final Listener listener;
    private final TransferExtractor extractor;
    private final KafkaProducer<String, byte[]> producer;
    private final String bootstrap;
    private final AvroCodec<ChainTransfer> transfers = AvroCodec.of(ChainTransfer.class);
    private final AvroCodec<ChainFollowerPosition> positions = AvroCodec.of(ChainFollowerPosition.class);
    private final SplittableRandom jitter = new SplittableRandom(1);
    private long nextBlock = -1;
    private long published;
    private long crashBeforeCommitAtBlockForTest = -1;

    public ChainFollower(KlaytnRpc rpc, String bootstrap, String transferTopic, String positionTopic,
            FollowerSettings settings, Clock clock, Listener listener) {
        this.rpc = rpc;
        this.settings = settings;
        this.transferTopic = transferTopic;
        this.positionTopic = positionTopic;
        this.clock = clock;
        this.listener = listener;
        this.bootstrap = bootstrap;
        this.extractor = new TransferExtractor(settings.chainId(), settings.tokenContract());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aot-chain-follower-" + settings.followerId());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions(); // fences an earlier instance with this id and aborts its open transaction
    }

    /** The last committed position of this follower, or null when it never published. */
    public ChainFollowerPosition committedPosition() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ChainFollowerPosition last = null;
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(positionTopic, POSITION_READ_TIMEOUT).stream()
                    .map(i -> new TopicPartition(positionTopic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, POSITION_READ_TIMEOUT);
            long deadline = System.nanoTime() + POSITION_READ_TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + positionTopic + " within " + POSITION_READ_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (settings.followerId().equals(r.key()) && r.value() != null) {
                        last = positions.decode(r.value());
                    }
                }
            }
        } catch (AvroDecodeException e) {
            throw new IllegalStateException("unreadable record in " + positionTopic + ": " + e.getMessage(), e);
        }
        return last;
    }

    /** Follows the chain until {@code keepRunning} says stop; returns the next block it would publish. */
    public long run(BooleanSupplier keepRunning) throws InterruptedException {
        ChainFollowerPosition position = committedPosition();
        published = position == null ? 0 : position.getTransfersPublished();
        int failures = 0;
        while (keepRunning.getAsBoolean()) {
            try {
                long head = rpc.blockNumber();
                if (nextBlock < 0) {
                    nextBlock = position != null ? position.getNextBlock()
                            : settings.fromBlock() >= 0 ? settings.fromBlock() : Math.max(0, head - settings.confirmations());
                }
                long safe = head - settings.confirmations();
                if (nextBlock > safe) {
                    failures = 0;
                    Thread.sleep(settings.pollIntervalMs());
                    continue;
                }
                long last = Math.min(safe, nextBlock + settings.maxBlocksPerCommit() - 1);
                publish(nextBlock, last, head);
                nextBlock = last + 1;
                failures = 0;
            } catch (IOException | ChainDataException e) {
                long delay = backoffMs(failures++);
                listener.retrying((e instanceof IOException ? "node unreachable: " : "bad answer from the node: ")
                        + e.getMessage(), delay);
                Thread.sleep(delay);
            }
        }
        return nextBlock;
    }

    private void publish(long from, long to, long head) throws IOException {
        // Read the whole range before opening the transaction: a node failure mid-range publishes nothing.
        List<ChainTransfer> batch = new ArrayList<>();
        String lastHash = null;
        for (long n = from; n <= to; n++) {
            KlaytnRpc.ChainBlock block = rpc.block(n);
            batch.addAll(extractor.extract(block, rpc.receipts(block.hash()), head, clock.instant()));
            lastHash = block.hash();
        }
        ChainFollowerPosition next = ChainFollowerPosition.newBuilder()
                .setFollowerId(settings.followerId()).setChainId(settings.chainId())
                .setTokenContract(settings.tokenContract().toLowerCase()).setNextBlock(to + 1).setLastBlockHash(lastHash)
                .setTransfersPublished(published + batch.size()).setUpdatedAtMillis(clock.instant()).build();
        try {
            producer.beginTransaction();
            for (ChainTransfer t : batch) {
                // No record time: the topic takes the append time, so retention counts from now even while the
                // follower catches up on blocks older than the retention (the block time is in the value).
                producer.send(new ProducerRecord<>(transferTopic, t.getTxHash(), transfers.encode(t)));
            }
            producer.send(new ProducerRecord<>(positionTopic, settings.followerId(), positions.encode(next)));
            if (crashBeforeCommitAtBlockForTest >= 0 && to >= crashBeforeCommitAtBlockForTest) {
                producer.flush(); // the records are in the log, uncommitted: what a crash leaves behind
                throw new SimulatedCrash("crash before committing blocks " + from + ".." + to);
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw new IllegalStateException("chain follower " + settings.followerId() + " cannot go on: " + e, e);
        } catch (KafkaException e) {
            producer.abortTransaction();
            throw new IOException("Kafka transaction for blocks " + from + ".." + to + " aborted: " + e.getMessage(), e);
        }
        published += batch.size();
        listener.published(from, to, batch.size(), head);
    }

    private long backoffMs(int failures) {
        long base = settings.retryInitialMs() << Math.min(failures, 20);
        long capped = Math.min(settings.retryMaxMs(), base);
        return capped / 2 + jitter.nextLong(capped / 2 + 1);
    }

    /** For tests: throw before committing the transaction that covers this block, leaving it open as a crash does. */
    void crashBeforeCommitAtBlockForTest(long block) {
        this.crashBeforeCommitAtBlockForTest = block;
    }

    /** The crash {@link #crashBeforeCommitAtBlockForTest} injects. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        rpc.close();
    }
}
