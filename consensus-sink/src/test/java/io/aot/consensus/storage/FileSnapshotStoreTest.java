package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Hash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotStoreTest {

    @TempDir
    Path dir;

    private static Hash hash(int n) {
        return Hash.sha256(new byte[] {(byte) n});
    }

    @Test
    void aSnapshotReadsBackWithItsHeightAppHashStateAndHashAndOnlyTheNewestTwoAreKept() throws Exception {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        Files.write(dir.resolve("snapshot-00000000000000000005.bin.tmp"), new byte[] {1, 2}); // an interrupted write
        store.save("chain", 10, hash(10), new byte[] {1, 2, 3});
        FileSnapshotStore.Snapshot twenty = store.save("chain", 20, hash(20), new byte[] {4, 5});
        FileSnapshotStore.Snapshot thirty = store.save("chain", 30, hash(30), new byte[] {6});

        assertThat(store.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("snapshot-00000000000000000030.bin", "snapshot-00000000000000000020.bin");
        assertThat(Files.list(dir)).as("nothing else left behind").hasSize(2);
        FileSnapshotStore.Snapshot read = store.read(store.files().get(1));
        assertThat(read.chainId()).isEqualTo("chain");
        assertThat(read.height()).isEqualTo(20);
        assertThat(read.appHash()).isEqualTo(hash(20));
        assertThat(read.appState()).containsExactly(4, 5);
        assertThat(read.hash()).isEqualTo(twenty.hash()).isNotEqualTo(thirty.hash());
        assertThat(new FileSnapshotStore(dir.resolve("absent")).files()).isEmpty();
    }

    @Test
    void theSameStateAtTheSameHeightIsTheSameFileOnEveryValidator() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        FileSnapshotStore.Snapshot sa = new FileSnapshotStore(a).save("chain", 7, hash(7), new byte[] {9, 9});
        FileSnapshotStore.Snapshot sb = new FileSnapshotStore(b).save("chain", 7, hash(7), new byte[] {9, 9});
        assertThat(Files.readAllBytes(sa.file())).isEqualTo(Files.readAllBytes(sb.file()));
        assertThat(sa.hash()).isEqualTo(sb.hash());
    }

    @Test
    void aDamagedTruncatedOrMisnamedSnapshotIsRefusedWithTheReason() throws Exception {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        Path file = store.save("chain", 10, hash(10), new byte[100]).file();
        byte[] good = Files.readAllBytes(file);

        for (int i : new int[] {0, 30, good.length / 2, good.length - 1}) { // domain, height, state, the hash itself
            byte[] flipped = good.clone();
            flipped[i] ^= 0x10;
            Files.write(file, flipped);
            assertThatThrownBy(() -> store.read(file)).as("byte %d flipped", i)
                    .isInstanceOf(FileSnapshotStore.DamagedSnapshotException.class).hasMessageContaining("is damaged");
        }
        Files.write(file, Arrays.copyOf(good, good.length - 40));
        assertThatThrownBy(() -> store.read(file)).isInstanceOf(FileSnapshotStore.DamagedSnapshotException.class)
                .hasMessageContaining("is damaged");
        Files.write(file, new byte[3]);
        assertThatThrownBy(() -> store.read(file)).isInstanceOf(FileSnapshotStore.DamagedSnapshotException.class)
                .hasMessageContaining("truncated");
        Path renamed = dir.resolve("snapshot-00000000000000000011.bin");
        Files.write(renamed, good);
        assertThatThrownBy(() -> store.read(renamed)).isInstanceOf(FileSnapshotStore.DamagedSnapshotException.class)
                .hasMessageContaining("holds height 10, not the height of its name");
    }
}
