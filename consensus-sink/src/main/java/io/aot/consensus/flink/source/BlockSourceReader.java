package io.aot.consensus.flink.source;

import io.aot.consensus.node.HostPort;
import io.aot.consensus.app.Application;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.ValidatorSet;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches blocks on its own thread into a bounded queue (verified, with their results) and emits them whole from
 * {@link #pollNext}, so a checkpoint always falls between blocks. The checkpointed height is the next one not yet
 * emitted; fetched but unemitted blocks are simply fetched again after a restore.
 */
final class BlockSourceReader implements SourceReader<CommittedTx, ChainSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(BlockSourceReader.class);

    /** A verified block with its results. */
    private record Fetched(WireCodec.CommittedBlock block, List<Application.TxResult> results) {
    }

    private final BlockSource.Settings settings;
    private final ValidatorSet validators;
    private final BlockingQueue<Fetched> queue;
    private final Counter rejectedBlocks;
    private final Counter failovers;
    private final WireCodec wire = new WireCodec(WireCodec.Limits.defaults());
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile Throwable fetchFailure;
    private Thread fetcher;
    private long nextToEmit = -1;
    private boolean noMoreSplits;

    BlockSourceReader(BlockSource.Settings settings, SourceReaderContext context) {
        this.settings = settings;
        this.validators = settings.validatorSet();
        this.queue = new ArrayBlockingQueue<>(settings.maxBufferedBlocks());
        this.rejectedBlocks = context.metricGroup().counter("blocksFailingVerification");
        this.failovers = context.metricGroup().counter("validatorFailovers");
    }

    @Override
    public void start() {
    }

    @Override
    public InputStatus pollNext(ReaderOutput<CommittedTx> output) {
        if (fetchFailure != null) {
            throw new IllegalStateException("block fetcher failed", fetchFailure);
        }
        if (nextToEmit > 0 && settings.bounded() && nextToEmit > settings.stopAfterHeight()) {
            return InputStatus.END_OF_INPUT;
        }
        Fetched f = queue.poll();
        if (f == null) {
            if (nextToEmit < 0 && noMoreSplits) {
                return InputStatus.END_OF_INPUT; // another subtask owns the chain
            }
            available = new CompletableFuture<>();
            if (!queue.isEmpty()) {
                available.complete(null);
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
        Block b = f.block().block();
        if (b.height() != nextToEmit) { // the fetcher checks every height; this guards the emitted sequence itself
            throw new IllegalStateException("block " + b.height() + " fetched when " + nextToEmit + " is next");
        }
        String hash = b.id().hex();
        List<byte[]> txs = b.txs();
        CanonicalWriter header = new CanonicalWriter();
        wire.writeHeader(header, b.header());
        CanonicalWriter certificate = new CanonicalWriter();
        wire.writeCertificate(certificate, f.block().certificate());
        output.collect(CommittedTx.blockRecord(b.height(), txs.size(), hash, b.header().timeMillis(),
                header.toByteArray(), certificate.toByteArray()), b.header().timeMillis());
        for (int i = 0; i < txs.size(); i++) {
            output.collect(new CommittedTx(b.height(), i, txs.size(), hash, b.header().timeMillis(), f.results().get(i).code(),
                    f.results().get(i).events().toArray(new String[0]), txs.get(i)), b.header().timeMillis());
        }
        nextToEmit = b.height() + 1;
        return InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<ChainSplit> snapshotState(long checkpointId) {
        return nextToEmit < 0 ? List.of() : List.of(new ChainSplit(nextToEmit));
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<ChainSplit> splits) {
        ChainSplit split = splits.get(0);
        nextToEmit = split.nextHeight();
        fetcher = new Thread(() -> fetchLoop(split.nextHeight()), "block-source-fetcher");
        fetcher.setDaemon(true);
        fetcher.start();
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    private void fetchLoop(long from) {
        int validator = 0;
        long next = from;
        Hash previousId = null;
        long backoffMs = settings.pollEvery().toMillis();
        while (!closed && !(settings.bounded() && next > settings.stopAfterHeight())) {
            String hostPort = settings.validatorHostPorts().get(validator);
            try (ValidatorClient client = new ValidatorClient(settings.chainId(), HostPort.parse(hostPort))) {
                if (previousId == null && next > 1) {
                    WireCodec.CommittedBlock before = client.block(next - 1);
                    String why = before == null ? "has no block " + (next - 1) : verify(before, next - 1, null);
                    if (why != null) {
                        throw new VerificationException(why);
                    }
                    previousId = before.block().id();
                }
                while (!closed && !(settings.bounded() && next > settings.stopAfterHeight())) {
                    WireCodec.CommittedBlock c = client.block(next);
                    if (c == null) { // not committed yet
                        Thread.sleep(settings.pollEvery().toMillis());
                        continue;
                    }
                    List<Application.TxResult> results = client.results(next);
                    if (results == null) {
                        // Committed but its results are not kept there: a validator restored from an application
                        // snapshot above this height has none below it. Waiting on it would stall for good.
                        throw new ResultsNotKeptException(next);
                    }
                    String why = verify(c, next, previousId);
                    if (why == null && results.size() != c.block().txs().size()) {
                        why = results.size() + " results for " + c.block().txs().size() + " transactions";
                    }
                    if (why != null) {
                        throw new VerificationException(why);
                    }
                    while (!closed && !queue.offer(new Fetched(c, results), 100, TimeUnit.MILLISECONDS)) {
                        available.complete(null); // bounded: wait for the task to drain
                    }
                    available.complete(null);
                    previousId = c.block().id();
                    next++;
                    backoffMs = settings.pollEvery().toMillis();
                }
            } catch (VerificationException e) {
                rejectedBlocks.inc();
                LOG.warn("validator {} served block {} that fails verification ({}); trying the next validator",
                        hostPort, next, e.getMessage());
                validator = (validator + 1) % settings.validatorHostPorts().size();
                failovers.inc();
                sleep(backoffMs);
            } catch (ResultsNotKeptException e) {
                LOG.info("validator {} holds block {} but not its results (restored from a snapshot above it);"
                        + " trying the next validator", hostPort, e.height);
                validator = (validator + 1) % settings.validatorHostPorts().size();
                failovers.inc();
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            } catch (IOException e) {
                LOG.info("validator {} unreachable ({}); trying the next validator", hostPort, e.toString());
                validator = (validator + 1) % settings.validatorHostPorts().size();
                failovers.inc();
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                fetchFailure = e;
                available.complete(null);
                return;
            }
        }
        available.complete(null);
    }

    /**
     * Null when the block is the one asked for and proven committed and linked; otherwise why not. Heights are checked
     * against the request, not taken from the answer, so a validator cannot make the reader skip or repeat a block
     * (CometBFT's light client requires adjacent heights the same way, {@code VerifyAdjacent}); the link alone would
     * not do where there is nothing to link to yet (the first block read, and the block before it).
     */
    private String verify(WireCodec.CommittedBlock c, long expectedHeight, Hash previousId) {
        Block b = c.block();
        if (b.height() != expectedHeight) {
            return "served block " + b.height() + " when asked for height " + expectedHeight;
        }
        String certificate = c.certificate().verify(settings.chainId(), validators, expectedHeight, b.id());
        if (certificate != null) {
            return certificate;
        }
        if (!b.txsMatchHeader()) {
            return "transactions do not hash to the header's root";
        }
        if (previousId != null && !previousId.equals(b.header().lastBlockId())) {
            return "does not link to the block before";
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (fetcher != null) {
            fetcher.interrupt();
            fetcher.join(5_000);
        }
    }

    /** A validator that holds a committed block but not its transaction results: another validator may. */
    private static final class ResultsNotKeptException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long height;

        ResultsNotKeptException(long height) {
            super("no results for block " + height);
            this.height = height;
        }
    }

    private static final class VerificationException extends Exception {
        private static final long serialVersionUID = 1L;

        VerificationException(String message) {
            super(message);
        }
    }
}
