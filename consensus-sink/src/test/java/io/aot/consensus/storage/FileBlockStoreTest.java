package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
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
        return block(h, ("k" + h + "=v").getBytes(StandardCharsets.UTF_8));
    }

    /** A block whose one transaction is {@code tx}: large ones make records longer than any fixed scan window. */
    private static Block block(long h, byte[] tx) {
        List<byte[]> txs = List.of(tx);
        return new Block(new BlockHeader("c", h, h, null, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH, Hash.ZERO, "a", Hash.ZERO, 1),
                txs, null);
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

    /** Three blocks of one 16 KiB transaction each; returns the record offsets read back from the open store. */
    private Path largeChain() throws Exception {
        Path file = dir.resolve("blocks.log");
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            for (long h = 1; h <= 3; h++) {
                Block b = block(h, bigTx(h));
                store.save(b, cert(b));
            }
        }
        return file;
    }

    private static byte[] bigTx(long h) {
        byte[] tx = new byte[16 * 1024];
        java.util.Arrays.fill(tx, (byte) ('a' + h));
        return tx;
    }

    /** Where block {@code h}'s transaction bytes lie in the file: the first occurrence of its fill byte run. */
    private static long txOffset(Path file, long h) throws Exception {
        byte[] all = Files.readAllBytes(file);
        byte[] run = new byte[64];
        java.util.Arrays.fill(run, (byte) ('a' + h));
        for (int i = 0; i + run.length <= all.length; i++) {
            if (java.util.Arrays.equals(all, i, i + run.length, run, 0, run.length)) {
                return i;
            }
        }
        throw new AssertionError("block " + h + " not found");
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    /**
     * A flipped bit in the middle of a large record, far more than any fixed window before the next record, is damage:
     * the store refuses to open, names the height and offset, and leaves the file as it was (before, the damaged
     * record and every block after it were cut off as if they were a torn tail).
     */
    @Test
    void aFlippedByteInTheMiddleOfALargeRecordIsRefusedNamingHeightAndOffset() throws Exception {
        Path file = largeChain();
        long size = Files.size(file);
        flipByte(file, txOffset(file, 2) + 8 * 1024);
        assertThatThrownBy(() -> new FileBlockStore(file, codec))
                .isInstanceOf(FileBlockStore.DamagedException.class)
                .hasMessageContaining("height 2").hasMessageContaining("offset");
        assertThat(Files.size(file)).as("nothing cut").isEqualTo(size);
    }

    /** The record header (length, checksum) is covered too: a damaged length field is not mistaken for a torn tail. */
    @Test
    void aDamagedRecordHeaderBeforeTheLastRecordIsRefused() throws Exception {
        Path file = largeChain();
        long size = Files.size(file);
        long second;
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            second = store.recordOffset(2);
        }
        for (int i = 0; i < FileBlockStore.RECORD_HEADER_BYTES; i++) {
            flipByte(file, second + i);
            assertThatThrownBy(() -> new FileBlockStore(file, codec)).as("header byte %d", i)
                    .isInstanceOf(FileBlockStore.DamagedException.class).hasMessageContaining("offset " + second);
            flipByte(file, second + i);
        }
        assertThat(Files.size(file)).isEqualTo(size);
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            assertThat(store.height()).as("undamaged again").isEqualTo(3);
        }
    }

    /** Damage that happens while the store is open is caught when the record is read, not served as a block. */
    @Test
    void damageAfterOpenIsDetectedByLoad() throws Exception {
        Path file = largeChain();
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            flipByte(file, txOffset(file, 2) + 100);
            assertThatThrownBy(() -> store.load(2)).hasMessageContaining("height 2").hasMessageContaining("checksum");
            assertThat(store.load(3).block().txs().get(0)).isEqualTo(bigTx(3));
        }
    }

    /** A crash mid-append of a large record (cut anywhere in it) or one that left zeros past it loses only that record. */
    @Test
    void tornTailsOfLargeRecordsAreStillCut() throws Exception {
        Path file = largeChain();
        long full = Files.size(file);
        long third;
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            third = store.recordOffset(3);
        }
        byte[] intact = Files.readAllBytes(file);
        for (long cut : new long[] {third + 3, third + FileBlockStore.RECORD_HEADER_BYTES + 1, third + 10_000, full - 1}) {
            Files.write(file, java.util.Arrays.copyOf(intact, (int) cut));
            try (FileBlockStore store = new FileBlockStore(file, codec)) {
                assertThat(store.height()).as("cut at %d", cut).isEqualTo(2);
            }
            assertThat(Files.size(file)).isEqualTo(third);
        }
        Files.write(file, java.util.Arrays.copyOf(intact, (int) full + 4096)); // size grew, data never written
        try (FileBlockStore store = new FileBlockStore(file, codec)) {
            assertThat(store.height()).isEqualTo(3);
            assertThat(store.load(3).block().txs().get(0)).isEqualTo(bigTx(3));
        }
        assertThat(Files.size(file)).isEqualTo(full);
    }

    /** A file of the older format (no header checksum per record) is refused with what to do, not misread. */
    @Test
    void aFileWithoutTheFormatMarkerIsRefused() throws Exception {
        Path file = dir.resolve("blocks.log");
        Files.write(file, new byte[] {0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});
        assertThatThrownBy(() -> new FileBlockStore(file, codec)).isInstanceOf(FileBlockStore.DamagedException.class)
                .hasMessageContaining("format");
    }

    @Test
    void refusesAGapInHeights() throws Exception {
        try (FileBlockStore store = new FileBlockStore(dir.resolve("b.log"), codec)) {
            assertThatThrownBy(() -> store.save(block(2), cert(block(2)))).hasMessageContaining("after height 0");
        }
    }
}
