package io.aot.ingestion.simulator;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A simulator's transactions in batches signed on every core, the next batch made while the caller sends the current
 * one: generation, signing and sending overlap instead of taking turns. Same transactions, same order as
 * {@link PaymentSimulator#next()}. Not thread-safe: one caller.
 */
public final class SignedBatches implements AutoCloseable {

    private final PaymentSimulator simulator;
    private final int batchSize;
    private final ExecutorService maker;
    private final ExecutorService signers;
    private Future<List<PaymentSimulator.SimulatedTx>> next;

    public SignedBatches(PaymentSimulator simulator, int batchSize, int signingThreads) {
        if (batchSize < 1 || signingThreads < 1) {
            throw new IllegalArgumentException("batch size and signing threads must be >= 1");
        }
        this.simulator = simulator;
        this.batchSize = batchSize;
        this.maker = Executors.newSingleThreadExecutor(daemon("simulator-batch-maker"));
        this.signers = Executors.newFixedThreadPool(signingThreads, daemon("simulator-signer"));
        this.next = make();
    }

    /** The next batch; empty once the simulator has nothing left. */
    public List<PaymentSimulator.SimulatedTx> next() throws InterruptedException {
        List<PaymentSimulator.SimulatedTx> batch;
        try {
            batch = next.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("making a batch failed", e.getCause());
        }
        next = batch.isEmpty() ? next : make();
        return batch;
    }

    private Future<List<PaymentSimulator.SimulatedTx>> make() {
        // One maker thread: batches are made one after the other, so the simulator is never used concurrently.
        return maker.submit(() -> simulator.hasNext() ? simulator.nextBatch(batchSize, signers) : List.of());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops making batches, and waits for one in the making, so the simulator is free for its owner again. */
    @Override
    public void close() {
        maker.shutdownNow();
        signers.shutdownNow();
        try {
            if (!maker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("a batch was still being made 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
