package io.aot.consensus.flink.source;

import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Flink source (FLIP-27) that follows the committed chain from the validators, one transaction per record. Every
 * block is checked like a light client before anything of it is emitted: its commit certificate holds more than 2/3
 * of the genesis voting power for exactly this block, its transactions hash to its header's root, and it links to
 * the block before. A validator that fails a check, or is unreachable, is left for the next one. The next height
 * is the checkpointed split state, so a restore neither skips nor repeats a block. One reader (parallelism 1): a
 * chain is a sequence.
 */
public final class BlockSource implements Source<CommittedTx, ChainSplit, List<ChainSplit>> {

    private static final long serialVersionUID = 1L;

    /** Where to read and whom to trust. Serializable: shipped with the job. */
    public record Settings(String chainId, List<String> validatorHostPorts, List<String> validatorKeysHex,
            List<Long> votingPowers, long startHeight, long stopAfterHeight, Duration pollEvery, int maxBufferedBlocks)
            implements Serializable {
        public Settings {
            validatorHostPorts = List.copyOf(validatorHostPorts);
            validatorKeysHex = List.copyOf(validatorKeysHex);
            votingPowers = List.copyOf(votingPowers);
            if (validatorHostPorts.isEmpty() || validatorKeysHex.size() != votingPowers.size()) {
                throw new IllegalArgumentException("validator addresses, and one power per validator key, required");
            }
            if (startHeight < 1 || maxBufferedBlocks < 1) {
                throw new IllegalArgumentException("startHeight >= 1 and maxBufferedBlocks >= 1 required");
            }
        }

        /** Trust what the genesis says; follow from {@code startHeight}, forever ({@code stopAfterHeight} 0). */
        public static Settings fromGenesis(Genesis genesis, List<String> validatorHostPorts, long startHeight,
                long stopAfterHeight) {
            List<String> keys = new ArrayList<>();
            List<Long> powers = new ArrayList<>();
            for (Validator v : genesis.validators()) {
                keys.add(v.publicKey().hex());
                powers.add(v.votingPower());
            }
            return new Settings(genesis.chainId(), validatorHostPorts, keys, powers, startHeight, stopAfterHeight,
                    Duration.ofMillis(100), 64);
        }

        ValidatorSet validatorSet() {
            List<Validator> vs = new ArrayList<>();
            for (int i = 0; i < validatorKeysHex.size(); i++) {
                vs.add(new Validator(PublicKey.fromHex(validatorKeysHex.get(i)), votingPowers.get(i)));
            }
            return ValidatorSet.of(vs);
        }

        boolean bounded() {
            return stopAfterHeight > 0;
        }
    }

    private final Settings settings;

    public BlockSource(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return settings.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<CommittedTx, ChainSplit> createReader(SourceReaderContext context) {
        return new BlockSourceReader(settings, context);
    }

    @Override
    public SplitEnumerator<ChainSplit, List<ChainSplit>> createEnumerator(SplitEnumeratorContext<ChainSplit> context) {
        return new ChainEnumerator(context, new ArrayList<>(List.of(new ChainSplit(settings.startHeight()))));
    }

    @Override
    public SplitEnumerator<ChainSplit, List<ChainSplit>> restoreEnumerator(SplitEnumeratorContext<ChainSplit> context,
            List<ChainSplit> pending) {
        return new ChainEnumerator(context, new ArrayList<>(pending));
    }

    @Override
    public SimpleVersionedSerializer<ChainSplit> getSplitSerializer() {
        return new ChainSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<List<ChainSplit>> getEnumeratorCheckpointSerializer() {
        return new ChainSplit.ListSerializer();
    }

    /** Hands the one split to reader 0; takes it back (with the reader's last checkpointed height) on failure. */
    static final class ChainEnumerator implements SplitEnumerator<ChainSplit, List<ChainSplit>> {
        private final SplitEnumeratorContext<ChainSplit> context;
        private final List<ChainSplit> pending;

        ChainEnumerator(SplitEnumeratorContext<ChainSplit> context, List<ChainSplit> pending) {
            this.context = context;
            this.pending = pending;
        }

        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<ChainSplit> splits, int subtaskId) {
            pending.addAll(splits);
            assign();
        }

        @Override
        public void addReader(int subtaskId) {
            assign();
        }

        private void assign() {
            if (pending.isEmpty() || !context.registeredReaders().containsKey(0)) {
                return;
            }
            context.assignSplit(pending.remove(0), 0);
            context.signalNoMoreSplits(0);
        }

        @Override
        public List<ChainSplit> snapshotState(long checkpointId) {
            return List.copyOf(pending);
        }

        @Override
        public void close() {
        }
    }
}
