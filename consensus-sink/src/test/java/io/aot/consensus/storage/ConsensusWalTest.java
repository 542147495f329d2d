package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsensusWalTest {

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    @TempDir
    Path dir;

    private static Vote vote(int i) {
        return new Vote(VoteType.PREVOTE, 7, i, Hash.sha256(new byte[] {(byte) i}), i % 4, new byte[64]);
    }

    @Test
    void messagesSurviveAReopenAndAResetEmptiesTheLog() throws Exception {
        Path file = dir.resolve("consensus.wal");
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            wal.append(vote(0));
            wal.append(vote(1));
            wal.sync();
        }
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            assertThat(wal.load()).extracting(m -> ((Vote) m).round()).containsExactly(0, 1);
            wal.reset();
        }
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            assertThat(wal.load()).isEmpty();
        }
    }

    @Test
    void aTornOrDamagedTailIsCutAndWhatCameBeforeIsKept() throws Exception {
        Path file = dir.resolve("consensus.wal");
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                wal.append(vote(i));
            }
        }
        long full = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(full - 10); // an append interrupted by a crash
        }
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            assertThat(wal.load()).hasSize(2);
            assertThat(wal.bytes()).isEqualTo(Files.size(file)).isLessThan(full - 10);
            wal.append(vote(5));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1; // the last record's body, damaged
        Files.write(file, bytes);
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            assertThat(wal.load()).extracting(m -> ((Vote) m).round()).containsExactly(0, 1);
        }
    }

    /**
     * A power loss can leave bytes after the last complete record that were never a record (random, or zeros where the
     * file grew): the load cuts them, keeps every complete record, and appends after them survive a reopen.
     */
    @Test
    void garbageAfterTheLastCompleteRecordIsCut() throws Exception {
        Path file = dir.resolve("consensus.wal");
        try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                wal.append(vote(i));
            }
        }
        byte[] intact = Files.readAllBytes(file);
        java.util.SplittableRandom random = new java.util.SplittableRandom(21);
        List<byte[]> tails = new java.util.ArrayList<>(List.of(new byte[4096], new byte[] {0, 0, 0, 4, 1, 2, 3, 4, 5, 6,
                7, 8})); // zeros; a plausible length with a wrong checksum
        for (int i = 0; i < 50; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            for (int j = 0; j < garbage.length; j++) {
                garbage[j] = (byte) random.nextInt(256);
            }
            tails.add(garbage);
        }
        for (byte[] tail : tails) {
            byte[] damaged = java.util.Arrays.copyOf(intact, intact.length + tail.length);
            System.arraycopy(tail, 0, damaged, intact.length, tail.length);
            Files.write(file, damaged);
            try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
                assertThat(wal.load()).extracting(m -> ((Vote) m).round()).containsExactly(0, 1, 2);
                assertThat(wal.bytes()).isEqualTo(intact.length).isEqualTo(Files.size(file));
                wal.append(vote(3));
            }
            try (ConsensusWal wal = new ConsensusWal(file, codec, 1 << 20)) {
                assertThat(wal.load()).extracting(m -> ((Vote) m).round()).containsExactly(0, 1, 2, 3);
            }
        }
    }

    @Test
    void boundedInBytes() {
        try (ConsensusWal wal = new ConsensusWal(dir.resolve("small.wal"), codec, 300)) {
            int logged = 0;
            for (int i = 0; i < 10; i++) {
                logged += wal.append(vote(i)) ? 1 : 0;
            }
            assertThat(wal.bytes()).isLessThanOrEqualTo(300);
            assertThat(logged).isBetween(1, 9);
            assertThat(wal.refusedFull()).isEqualTo(10 - logged);
            assertThat(wal.load()).hasSize(logged);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
