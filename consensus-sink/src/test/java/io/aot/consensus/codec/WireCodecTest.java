package io.aot.consensus.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    private static Block block() {
        List<byte[]> txs = List.of("a=1".getBytes(StandardCharsets.UTF_8), "b=2".getBytes(StandardCharsets.UTF_8));
        CommitCertificate last = new CommitCertificate(1, 0, Hash.sha256(new byte[] {1}),
                List.of(new CommitCertificate.Signature(0, new byte[64])));
        return new Block(new BlockHeader("c", 2, 99, Hash.sha256(new byte[] {1}), null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH,
                Hash.sha256(new byte[] {2}), "addr", Hash.sha256(new byte[] {3}), 2), txs, last);
    }

    @Test
    void everyMessageRoundTripsToTheSameIds() throws Exception {
        Proposal p = new Proposal(2, 1, 0, block(), 3, new byte[64]);
        Proposal back = (Proposal) codec.decodeMessage(codec.encodeMessage(p));
        assertThat(back.block().id()).isEqualTo(p.block().id());
        assertThat(back.block().lastCommit().blockId()).isEqualTo(p.block().lastCommit().blockId());
        Vote v = new Vote(VoteType.PRECOMMIT, 2, 1, null, 3, new byte[64]);
        assertThat(((Vote) codec.decodeMessage(codec.encodeMessage(v))).isNil()).isTrue();
        assertThat(codec.decodeMessage(codec.encodeMessage(new WireCodec.Status(42))))
                .isEqualTo(new WireCodec.Status(42));
        byte[] key = new byte[32];
        key[0] = 9;
        var batch = new WireCodec.MempoolBatch(key, new byte[64], List.of(new byte[] {1, 2}, new byte[] {3}));
        var batchBack = (WireCodec.MempoolBatch) codec.decodeMessage(codec.encodeMessage(batch));
        assertThat(batchBack.endorserKey()).isEqualTo(key);
        assertThat(batchBack.txs()).containsExactly(new byte[] {1, 2}, new byte[] {3});
        byte[] batchSignature = new byte[64];
        batchSignature[63] = 7;
        var held = (WireCodec.MempoolBatchHeld) codec.decodeMessage(
                codec.encodeMessage(new WireCodec.MempoolBatchHeld(batchSignature)));
        assertThat(held.batchSignature()).isEqualTo(batchSignature);
        byte[] longSignature = new CanonicalWriter().u8(WireCodec.MEMPOOL_BATCH_HELD).bytes(new byte[65]).toByteArray();
        assertThatThrownBy(() -> codec.decodeMessage(longSignature)).isInstanceOf(CanonicalReader.MalformedException.class);
    }

    @Test
    void unknownTypesTrailingBytesAndHugeCountsAreMalformed() {
        assertThatThrownBy(() -> codec.decodeMessage(new byte[] {99})).hasMessageContaining("unknown message type 99");
        byte[] status = codec.encodeMessage(new WireCodec.Status(1));
        assertThatThrownBy(() -> codec.decodeMessage(Arrays.copyOf(status, status.length + 1)))
                .hasMessageContaining("trailing");
        byte[] hugeCount = new CanonicalWriter().u8(WireCodec.COMMITTED_BLOCK).string("c").i64(1).i64(1).u8(0).u8(0)
                .hash(Hash.ZERO).hash(Hash.ZERO).hash(Hash.ZERO).string("a").hash(Hash.ZERO).i32(0).i32(Integer.MAX_VALUE)
                .toByteArray();
        assertThatThrownBy(() -> codec.decodeMessage(hugeCount)).hasMessageContaining("transaction count");
    }

    @Test
    void fuzzedBytesOnlyEverGiveMalformed() {
        SplittableRandom r = new SplittableRandom(7);
        byte[] valid = codec.encodeMessage(new Proposal(2, 1, 0, block(), 3, new byte[64]));
        for (int i = 0; i < 20_000; i++) {
            byte[] input = valid.clone();
            if (i % 2 == 0) {
                input = Arrays.copyOf(valid, r.nextInt(valid.length));
            }
            for (int f = 0; f < 1 + r.nextInt(4) && input.length > 0; f++) {
                input[r.nextInt(input.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                assertThat(codec.decodeMessage(input)).isNotNull();
            } catch (CanonicalReader.MalformedException expected) {
                // the only acceptable failure
            }
        }
    }
}
