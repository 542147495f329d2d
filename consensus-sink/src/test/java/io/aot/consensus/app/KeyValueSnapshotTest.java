package io.aot.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test application's snapshot: state -> bytes -> state is the same state, and answers later blocks the same. */
class KeyValueSnapshotTest {

    private static List<byte[]> txs(long h) {
        return List.of(("k" + h % 7 + "=v" + h).getBytes(StandardCharsets.UTF_8),
                ("h" + h + "=" + h * h).getBytes(StandardCharsets.UTF_8));
    }

    private static Hash commit(Application app, long h) {
        List<byte[]> txs = txs(h);
        Hash hash = app.finalizeBlock(new BlockHeader("c", h, 1000 * h, null, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH, app.lastAppHash(), "a", Hash.ZERO, txs.size()), txs).appHash();
        app.commit();
        return hash;
    }

    private static KeyValueApplication at(long height) {
        KeyValueApplication app = new KeyValueApplication();
        for (long h = 1; h <= height; h++) {
            commit(app, h);
        }
        return app;
    }

    @Test
    void aRestoredApplicationHasTheSameStateAndAnswersLaterBlocksTheSame() {
        KeyValueApplication original = at(20);
        byte[] snapshot = original.snapshot();
        KeyValueApplication restored = KeyValueApplication.restore(snapshot);

        assertThat(restored.lastCommittedHeight()).isEqualTo(20);
        assertThat(restored.lastAppHash()).isEqualTo(original.lastAppHash());
        assertThat(restored.state()).isEqualTo(original.state()).hasSize(27);
        assertThat(restored.snapshot()).isEqualTo(snapshot);
        for (long h = 21; h <= 30; h++) {
            assertThat(commit(restored, h)).as("app hash after block %d", h).isEqualTo(commit(original, h));
        }
        assertThat(restored.state()).isEqualTo(original.state());
        assertThat(restored.lastCommittedHeight()).isEqualTo(30);
    }

    @Test
    void theSameStateGivesTheSameBytesAndAnotherStateOtherBytes() {
        assertThat(at(12).snapshot()).isEqualTo(at(12).snapshot());
        assertThat(at(12).snapshot()).isNotEqualTo(at(13).snapshot());
        assertThat(KeyValueApplication.restore(new KeyValueApplication().snapshot()).lastAppHash())
                .isEqualTo(new KeyValueApplication().lastAppHash());
    }

    @Test
    void bytesThatAreNotACanonicalSnapshotAreRefusedWithTheReason() {
        byte[] good = at(5).snapshot();
        assertThatThrownBy(() -> KeyValueApplication.restore(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> KeyValueApplication.restore(Arrays.copyOf(good, good.length + 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> KeyValueApplication.restore(LedgerApplicationTest.app().snapshot()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not aot/kv-app/snapshot/v1");
    }
}
