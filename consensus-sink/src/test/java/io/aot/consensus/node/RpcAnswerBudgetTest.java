package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.storage.FileBlockStore;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers built for RPC clients (GET_BLOCK, SUBSCRIBE) are bounded like their requests: a stored block above the
 * client's allowance is sent within the clients' shared bytes. Before, only requests were bounded: 256 clients each
 * asking for a 16 MiB block each held several block-sized copies (decoded, encoded again, wrapped in the answer), far
 * above any heap the budget allows for.
 */
class RpcAnswerBudgetTest {

    @TempDir
    Path dir;

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    @Test
    void aLargeBlockAnswerWaitsForTheSharedBytesAndGivesThemBack() throws Exception {
        List<byte[]> txs = java.util.Collections.nCopies(16, new byte[64 << 10]); // 1 MiB
        Block block = new Block(new BlockHeader("c", 1, 1, null, null, MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH,
                Hash.ZERO, "a", Hash.ZERO, 16), txs, null);
        CommitCertificate cert = new CommitCertificate(1, 0, block.id(), List.of());
        try (FileBlockStore store = new FileBlockStore(dir.resolve("blocks.log"), codec)) {
            store.save(block, cert);
            InboundFrameBudget budget = InboundFrameBudget.shared(8 << 10, Frames.MAX_FRAME_BYTES, 30_000, watchdog);
            int full = budget.availableKiB();
            // Another client's large request holds all but its allowance's worth of the shared bytes.
            Runnable otherArrived = budget.acquire(Frames.MAX_FRAME_BYTES, () -> { });

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> {
                try {
                    return ValidatorNode.writeStoredBlock(store, 1, true, budget, () -> { }, out);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(300);
            assertThat(answered).as("a 1 MiB answer is not built while the shared bytes are held").isNotDone();
            assertThat(bytes.size()).isZero();

            otherArrived.run();
            budget.release(Frames.MAX_FRAME_BYTES);
            assertThat(answered.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(budget.availableKiB()).as("given back once written").isEqualTo(full);

            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            CanonicalReader r = new CanonicalReader(Frames.read(in));
            assertThat(r.bool()).isTrue();
            WireCodec.CommittedBlock got = codec.decodeCommittedBlock(r.bytes(Frames.MAX_FRAME_BYTES));
            r.expectEnd();
            assertThat(got.block().id()).isEqualTo(block.id());

            assertThat(ValidatorNode.writeStoredBlock(store, 2, true, budget, () -> { }, out)).as("not stored")
                    .isFalse();
            assertThat(budget.availableKiB()).isEqualTo(full);
        }
    }
}
