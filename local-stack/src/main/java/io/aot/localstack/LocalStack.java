package io.aot.localstack;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Kafka and Cassandra together, started in parallel (Cassandra takes twice as long as Kafka; in sequence the wait would
 * be their sum). Closing stops both. While starting, {@code progress} hears a line every few seconds.
 */
public final class LocalStack implements AutoCloseable {

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final KafkaBroker kafka;
    private final CassandraNode cassandra;

    private LocalStack(KafkaBroker kafka, CassandraNode cassandra) {
        this.kafka = kafka;
        this.cassandra = cassandra;
    }

    public static LocalStack start(KafkaBroker.Options kafkaOptions, CassandraNode.Options cassandraOptions,
            Consumer<String> progress) {
        long t0 = System.nanoTime();
        CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> KafkaBroker.start(kafkaOptions));
        CompletableFuture<CassandraNode> cassandra =
                CompletableFuture.supplyAsync(() -> CassandraNode.start(cassandraOptions));
        CompletableFuture<Void> both = CompletableFuture.allOf(kafka, cassandra);
        while (!both.isDone()) {
            try {
                both.get(PROGRESS_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                progress.accept(String.format("  ... %ds: kafka %s, cassandra %s", (System.nanoTime() - t0) / 1_000_000_000,
                        kafka.isDone() ? "up" : "starting", cassandra.isDone() ? "up" : "starting"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeStarted(kafka, cassandra);
                throw new IllegalStateException("interrupted while the stack was starting");
            } catch (java.util.concurrent.ExecutionException e) {
                break; // reported below, after the other server is stopped
            }
        }
        try {
            return new LocalStack(kafka.join(), cassandra.join());
        } catch (CompletionException e) {
            closeStarted(kafka, cassandra);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void closeStarted(CompletableFuture<KafkaBroker> kafka, CompletableFuture<CassandraNode> cassandra) {
        // The one that did start must not outlive the failure of the other.
        try {
            kafka.join().close();
        } catch (RuntimeException ignored) {
            // it failed itself
        }
        try {
            cassandra.join().close();
        } catch (RuntimeException ignored) {
            // it failed itself
        }
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public CassandraNode cassandra() {
        return cassandra;
    }

    @Override
    public void close() {
        CompletableFuture<Void> a = CompletableFuture.runAsync(kafka::close);
        CompletableFuture<Void> b = CompletableFuture.runAsync(cassandra::close);
        CompletableFuture.allOf(a, b).join();
    }
}
