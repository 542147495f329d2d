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
