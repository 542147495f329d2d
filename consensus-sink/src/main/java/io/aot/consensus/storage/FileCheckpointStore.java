package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.Step;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.Vote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's checkpoint in a file, replaced atomically with fsync before each own message leaves: what this
 * validator itself decided (round, step, lock, valid value, its own votes). The peers' messages it took at the same
 * height are in the {@link ConsensusWal}, synced just before: gossip cannot always deliver them again (a Byzantine
 * sender may go silent after its vote completed a polka that someone locked on).
 */
public final class FileCheckpointStore {

    private final Path file;
    private final WireCodec codec;

    public FileCheckpointStore(Path file, WireCodec codec) {
        this.file = file;
        this.codec = codec;
    }

    public ConsensusCheckpoint load() {
        try {
            byte[] bytes = AtomicFile.readOrNull(file);
            if (bytes == null) {
                return null;
            }
            CanonicalReader r = new CanonicalReader(bytes);
            long height = r.i64();
            int round = r.i32();
            Step step = Step.values()[r.count(Step.values().length - 1, "step")];
            int lockedRound = r.i32();
            Block locked = r.bool() ? codec.readBlock(r) : null;
            int validRound = r.i32();
            Block valid = r.bool() ? codec.readBlock(r) : null;
            int n = r.count(100_000, "own votes");
            List<Vote> votes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                votes.add(codec.readVote(r));
            }
            r.expectEnd();
            return new ConsensusCheckpoint(height, round, step, lockedRound, locked, validRound, valid, votes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CanonicalReader.MalformedException e) {
            throw new IllegalStateException("checkpoint " + file + " is damaged: " + e.getMessage());
        }
    }

    public void save(ConsensusCheckpoint c) {
        CanonicalWriter w = new CanonicalWriter().i64(c.height()).i32(c.round()).i32(c.step().ordinal())
                .i32(c.lockedRound()).bool(c.lockedBlock() != null);
        if (c.lockedBlock() != null) {
            codec.writeBlock(w, c.lockedBlock());
        }
        w.i32(c.validRound()).bool(c.validBlock() != null);
        if (c.validBlock() != null) {
            codec.writeBlock(w, c.validBlock());
        }
        w.i32(c.ownVotes().size());
        for (Vote v : c.ownVotes()) {
            codec.writeVote(w, v);
        }
        try {
            AtomicFile.write(file, w.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist consensus checkpoint", e);
        }
    }
}
