package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.SynchronyParams;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fault 5 of the Byzantine issue: blocks were bounded at 32 MiB and frames at 16 MiB, so a full block was dropped by
 * every peer and every proposer reaped the same transactions again. A validator's block bound now follows from the
 * frame limit: a block filled to it with 4 KiB transactions, with certificates of the largest validator set, still
 * travels as a proposal and as a block-sync message, and decodes.
 */
class BlockFitsInAFrameTest {

    @Test
    void aBlockFilledWith4KiBTransactionsFitsInOneFrame() throws Exception {
        KeyPair key = KeyPair.fromSeed(new byte[32]);
        ValidatorSet one = ValidatorSet.of(List.of(new Validator(key.publicKey(), 1)));
        Genesis genesis = new Genesis("a-chain-id-of-sixty-four-bytes-".repeat(2), List.of(new Validator(
                key.publicKey(), 1)), List.of("v"), List.of(), "kv", SynchronyParams.defaults());
        NodeConfig config = new NodeConfig(Path.of("unused"), 1, 2, Map.of(), TimeoutConfig.defaults(), 10_000, 1,
                100);
        EngineConfig engine = ValidatorNode.engineConfig(genesis, config, MemoryBudget.forThisJvm(1));

        List<byte[]> txs = new ArrayList<>();
        long bytes = 0;
        while (bytes + 4096 <= engine.maxBlockBytes() && txs.size() < engine.maxBlockTxs()) {
            txs.add(new byte[4096]);
            bytes += 4096;
        }
        assertThat(bytes).as("a full block of 4 KiB transactions").isGreaterThan(15L << 20);
        CommitCertificate widest = certificate(5, ValidatorSet.MAX_VALIDATORS);
        BlockHeader h = new BlockHeader(genesis.chainId(), 6, Long.MAX_VALUE, Hash.ZERO, widest.hash(),
                MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH, Hash.ZERO, "p".repeat(64), one.hash(), txs.size());
        Block block = new Block(h, txs, widest);
        WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

        byte[] proposal = codec.encodeMessage(new Proposal(6, Integer.MAX_VALUE, Integer.MAX_VALUE - 1, block, 0,
                new byte[64]));
        byte[] synced = codec.encodeMessage(new WireCodec.CommittedBlock(block, certificate(6,
                ValidatorSet.MAX_VALIDATORS)));
        assertThat(proposal.length).isLessThanOrEqualTo(Frames.MAX_FRAME_BYTES);
        assertThat(synced.length).isLessThanOrEqualTo(Frames.MAX_FRAME_BYTES);
        assertThat(((Proposal) codec.decodeMessage(proposal)).block().id()).isEqualTo(block.id());
        assertThat(((WireCodec.CommittedBlock) codec.decodeMessage(synced)).block().id()).isEqualTo(block.id());
    }

    private static CommitCertificate certificate(long height, int signers) {
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (int i = 0; i < signers; i++) {
            sigs.add(new CommitCertificate.Signature(i, new byte[64]));
        }
        return new CommitCertificate(height, Integer.MAX_VALUE, Hash.ZERO, sigs);
    }
}
