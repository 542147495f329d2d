package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockStoreTest {

    @TempDir
    Path dir;

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    private static Block block(long h) {
        List<byte[]> txs = List.of(("k" + h + "=v").getBytes(StandardCharsets.UTF_8));
        return new Block(new BlockHeader("c", h, h, null, null, MerkleTree.root(txs), Hash.ZERO, "a", Hash.ZERO, 1), txs, null);
    }

    private static CommitCertificate cert(Block b) {
        return new CommitCertificate(b.height(), 0, b.id(), List.of());
    }

    @Test
    void blocksSurviveReopenAndATornTailIsCut() throws Exception {
        Path file = dir.resolve("blocks.log");
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            for (long h = 1; h <= 3; h++) {
                store.save(block(h), cert(block(h)));
            }
        }
        long full = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(full - 5); // a crash in the middle of appending block 3
        }
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            assertThat(store.height()).isEqualTo(2);
            assertThat(store.load(2).block().id()).isEqualTo(block(2).id());
            store.save(block(3), cert(block(3)));
            assertThat(store.load(3).block().id()).isEqualTo(block(3).id());
        }
        assertThat(Files.size(file)).isEqualTo(full);
    }

    @Test
    void damageBeforeTheLastRecordIsRefused() throws Exception {
        Path file = dir.resolve("blocks.log");
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            for (long h = 1; h <= 3; h++) {
                store.save(block(h), cert(block(h)));
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(12);
            raf.write(0xFF ^ raf.read());
        }
        assertThatThrownBy(() -> new FileBlockStore(file, codec)).hasMessageContaining("damaged");
    }

    @Test
    void refusesAGapInHeights() throws Exception {
        try (FileBlockStore store = new FileBlockStore(dir.resolve("b.log"), codec)) {
            assertThatThrownBy(() -> store.save(block(2), cert(block(2)))).hasMessageContaining("after height 0");
        }
    }
}
