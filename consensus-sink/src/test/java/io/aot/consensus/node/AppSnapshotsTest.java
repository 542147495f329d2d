package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.Application;
import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.ConsensusContext;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.InMemoryBlockStore;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.engine.Timeout;
import io.aot.consensus.storage.FileSnapshotStore;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which snapshot a validator starts from, against a block store of 30 key/value blocks whose headers carry the app
 * hashes (a header's app hash is the state after the previous block): the newest one the chain proves, else the one
 * before, else genesis; and the engine then executes only the blocks above it, reaching the state of a full replay.
 */
class AppSnapshotsTest {

    private static final String CHAIN = "snap-chain";

    @TempDir
    Path dir;

    private final InMemoryBlockStore blocks = new InMemoryBlockStore();
    private final List<String> log = new ArrayList<>();
    private final ValidatorSet validators = ValidatorSet.of(List.of(validator(1, 10), validator(2, 20),
            validator(3, 30), validator(4, 40)));
    private FileSnapshotStore store;

    private static Validator validator(int seed, long power) {
        byte[] s = new byte[32];
        s[0] = (byte) seed;
        return new Validator(KeyPair.fromSeed(s).publicKey(), power);
    }

    private static List<byte[]> txs(long h) {
        return List.of(("k" + h % 5 + "=" + h).getBytes(StandardCharsets.UTF_8));
    }

    /** Blocks 1..30 of one chain, with snapshots at 10 and 20 taken by the validator that executed them. */
    @BeforeEach
    void chainWithSnapshots() {
        store = new FileSnapshotStore(dir);
        KeyValueApplication app = new KeyValueApplication();
        for (long h = 1; h <= 30; h++) {
            List<byte[]> txs = txs(h);
            BlockHeader header = new BlockHeader(CHAIN, h, 1000 * h, null, null, MerkleTree.root(txs),
                    Evidence.EMPTY_LIST_HASH, app.lastAppHash(), "a", validators.hash(), txs.size());
            app.finalizeBlock(header, txs);
            app.commit();
            blocks.save(new Block(header, txs, null), null);
            if (h % 10 == 0 && h < 30) {
                store.save(CHAIN, h, app.lastAppHash(), app.snapshot());
            }
        }
    }

    private AppSnapshots.Restored restore() throws Exception {
        return AppSnapshots.restore(store, CHAIN, blocks,
                state -> state == null ? new KeyValueApplication() : KeyValueApplication.restore(state), log::add);
    }

    private TendermintEngine started(Application app) {
        return started(app, blocks);
    }

    private TendermintEngine started(Application app, BlockStore blocks) {
        // Evidence expires after 10 heights here: the engine reads blocks below a snapshot only within that max age
        // (for the offences they committed, EvidenceEngineTest), so a snapshot 10 below the tip reads none of them.
        TendermintEngine engine = new TendermintEngine(EngineConfig.defaults(CHAIN)
                .withEvidence(new io.aot.consensus.evidence.EvidenceParams(10, 1_000, 256L << 10)), validators, -1,
                null, app, blocks, new Quiet());
        engine.start(null);
        return engine;
    }

    @Test
    void theNewestProvenSnapshotIsRestoredAndOnlyTheBlocksAfterItAreReplayed() throws Exception {
        AppSnapshots.Restored restored = restore();
        assertThat(restored.height()).isEqualTo(20);
        assertThat(log).isEmpty();

        List<Long> loaded = new ArrayList<>();
        TendermintEngine fromSnapshot = started(restored.app(), new BlockStore() {
            @Override
            public long height() {
                return blocks.height();
            }

            @Override
            public Entry load(long height) {
                loaded.add(height);
                return blocks.load(height);
            }

            @Override
            public void save(Block block, CommitCertificate certificate) {
                blocks.save(block, certificate);
            }
        });
        KeyValueApplication fromGenesis = new KeyValueApplication();
        TendermintEngine fullReplay = started(fromGenesis);

        assertThat(fromSnapshot.replayedAtStart()).isEqualTo(10);
        assertThat(loaded).as("blocks read: the snapshot's own (the chain's tip then) and those above it")
                .containsExactly(20L, 21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
        assertThat(fullReplay.replayedAtStart()).isEqualTo(30);
        assertThat(restored.app().lastAppHash()).isEqualTo(fromGenesis.lastAppHash());
        assertThat(((KeyValueApplication) restored.app()).state()).isEqualTo(fromGenesis.state());
        assertThat(fromSnapshot.height()).isEqualTo(31);
        for (int round = 0; round < 8; round++) { // the proposer priorities moved on over the skipped blocks too
            assertThat(fromSnapshot.validators().proposerIndex(round)).as("proposer of round %d", round)
                    .isEqualTo(fullReplay.validators().proposerIndex(round));
        }
    }

    @Test
    void aDamagedNewestSnapshotIsRefusedAndThePreviousOneUsed() throws Exception {
        Path newest = store.files().get(0);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(newest, bytes);

        AppSnapshots.Restored restored = restore();
        assertThat(restored.height()).isEqualTo(10);
        assertThat(log).singleElement().asString().contains("refused").contains("is damaged");
        assertThat(started(restored.app()).replayedAtStart()).isEqualTo(20);
    }

    @Test
    void anIntactSnapshotThatTheNextHeaderDoesNotProveIsRefused() throws Exception {
        KeyValueApplication other = new KeyValueApplication(); // another history: same height, another app hash
        for (long h = 1; h <= 20; h++) {
            List<byte[]> txs = List.of(("x=" + h).getBytes(StandardCharsets.UTF_8));
            other.finalizeBlock(new BlockHeader(CHAIN, h, h, null, null, MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH,
                    other.lastAppHash(), "a", Hash.ZERO, 1), txs);
            other.commit();
        }
        store.save(CHAIN, 20, other.lastAppHash(), other.snapshot());

        AppSnapshots.Restored restored = restore();
        assertThat(restored.height()).isEqualTo(10);
        assertThat(log).singleElement().asString().contains("(height 20) refused")
                .contains("is not the one block 21's header commits to");
    }

    @Test
    void aSnapshotAboveTheBlockStoreOrOfAnotherChainIsRefusedAndWithoutAnyLeftTheChainReplaysFromGenesis()
            throws Exception {
        store.save(CHAIN, 40, Hash.ZERO, new KeyValueApplication().snapshot());
        store.save("another-chain", 35, Hash.ZERO, new KeyValueApplication().snapshot()); // keeps 40 and 35 only

        AppSnapshots.Restored restored = restore();
        assertThat(restored.height()).isZero();
        assertThat(restored.snapshotHash()).isNull();
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("(height 40) refused: the block store holds only up to height 30");
        assertThat(log.get(1)).contains("(height 35) refused: it is of chain another-chain");
        assertThat(started(restored.app()).replayedAtStart()).isEqualTo(30);
    }

    @Test
    void aSnapshotWhoseStateIsNotTheHeightAndHashItClaimsIsRefused() throws Exception {
        KeyValueApplication at10 = KeyValueApplication.restore(store.read(store.files().get(1)).appState());
        // Intact file, right chain, block 31 not stored so no header to check against; but the state is height 10's.
        store.save(CHAIN, 30, blocks.load(30).block().header().appHash(), at10.snapshot());

        AppSnapshots.Restored restored = restore();
        assertThat(restored.height()).isEqualTo(20);
        assertThat(log).singleElement().asString().contains("(height 30) refused")
                .contains("the application restored from it is at height 10");
    }

    @Test
    void snapshotsAreWrittenEveryIntervalAndAtCloseAndTheNewestTwoKept() throws Exception {
        Path fresh = Files.createDirectory(dir.resolve("fresh"));
        FileSnapshotStore freshStore = new FileSnapshotStore(fresh);
        KeyValueApplication app = new KeyValueApplication();
        AppSnapshots snapshots = new AppSnapshots(freshStore, CHAIN, app, 5, 0, log::add);
        for (long h = 1; h <= 12; h++) {
            List<byte[]> txs = txs(h);
            app.finalizeBlock(blocks.load(h).block().header(), txs);
            app.commit();
            snapshots.committed();
        }
        snapshots.close(true);

        assertThat(freshStore.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("snapshot-00000000000000000012.bin", "snapshot-00000000000000000010.bin");
        FileSnapshotStore.Snapshot last = freshStore.read(freshStore.files().get(0));
        assertThat(last.height()).isEqualTo(12);
        assertThat(last.appHash()).as("what block 13's header commits to").isEqualTo(blocks.load(13).block().header()
                .appHash());
        assertThat(last.appState()).isEqualTo(app.snapshot());
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("application snapshot at height 5: "))
                .anySatisfy(l -> assertThat(l).startsWith("application snapshot at height 12: "));
    }

    /** A follower that is never asked to do anything in these tests. */
    private static final class Quiet implements ConsensusContext {
        @Override
        public void broadcastProposal(Proposal proposal) {
        }

        @Override
        public void broadcastVote(Vote vote) {
        }

        @Override
        public void scheduleTimeout(Timeout timeout, long delayMs) {
        }

        @Override
        public void persist(ConsensusCheckpoint checkpoint) {
        }

        @Override
        public long nowMillis() {
            return 0;
        }

        @Override
        public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
            return List.of();
        }

        @Override
        public void committed(Block block, CommitCertificate certificate) {
        }
    }
}
