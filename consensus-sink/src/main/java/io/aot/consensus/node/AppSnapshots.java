package io.aot.consensus.node;

import io.aot.consensus.app.Application;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.storage.FileSnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A validator's application snapshots (fault 8 of issue #21: a restart must not replay the whole chain into the
 * application). At start, {@link #restore} picks the newest snapshot that the block store proves to be this chain's
 * state, so the engine replays only the blocks after it; while running, {@link #committed} snapshots the state every
 * {@code snapshot_every_heights} heights and {@link #close} once more at a clean shutdown.
 *
 * <p>The proof is CometBFT state sync's: a header's app hash is the state after the previous block, so the header of
 * the block at {@code height + 1}, committed by +2/3 of the validators, names the app hash a snapshot at {@code height}
 * must carry. A snapshot at the block store's height has no such header yet: its own hash (the checksum) is what
 * vouches for it, as for the block store's last record, and the next block this validator takes part in checks it.
 */
final class AppSnapshots {

    /** Builds the application from a snapshot's state, or from genesis when given null. */
    interface Factory {
        /** @throws IllegalArgumentException if the state is not a snapshot of this application (says why) */
        Application create(byte[] appStateOrNull) throws IOException;
    }

    /** The application to start with, and the snapshot it came from ({@code height} 0 and no hash: genesis). */
    record Restored(Application app, long height, Hash snapshotHash) {
    }

    private final FileSnapshotStore store;
    private final String chainId;
    private final Application app;
    private final long everyHeights;
    private final Consumer<String> log;
    /**
     * One write at a time off the consensus loop. A snapshot due while the previous one is still being written waits
     * for it rather than being skipped: the interval bounds the replay of a restart.
     */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "snapshot-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> lastWrite = CompletableFuture.completedFuture(null);
    private volatile long lastSnapshotHeight;

    /**
     * @param everyHeights  a snapshot at each height that is a multiple of it (at least 1)
     * @param restoredHeight the height {@link #restore} started from: no snapshot is written again at or below it
     */
    AppSnapshots(FileSnapshotStore store, String chainId, Application app, long everyHeights, long restoredHeight,
            Consumer<String> log) {
        if (everyHeights < 1) {
            throw new IllegalArgumentException("snapshot_every_heights must be at least 1, got " + everyHeights);
        }
        this.store = store;
        this.chainId = chainId;
        this.app = app;
        this.everyHeights = everyHeights;
        this.lastSnapshotHeight = restoredHeight;
        this.log = log;
    }

    /**
     * The newest snapshot in {@code store} that is intact, of this chain, at or below the block store's height, proven
     * by the next block's header when that block is stored, and that the application restores to the same height and
     * app hash; each one refused is logged with the reason and the next older one tried; genesis when none is left.
     */
    static Restored restore(FileSnapshotStore store, String chainId, BlockStore blocks, Factory factory,
            Consumer<String> log) throws IOException {
        for (Path file : store.files()) {
            FileSnapshotStore.Snapshot s;
            try {
                s = store.read(file);
            } catch (FileSnapshotStore.DamagedSnapshotException e) {
                log.accept("application snapshot refused: " + e.getMessage());
                continue;
            }
            String why = refusal(s, chainId, blocks);
            Application app = null;
            if (why == null) {
                try {
                    app = factory.create(s.appState());
                    if (app.lastCommittedHeight() != s.height() || !app.lastAppHash().equals(s.appHash())) {
                        why = "the application restored from it is at height " + app.lastCommittedHeight()
                                + " with app hash " + app.lastAppHash();
                    }
                } catch (IllegalArgumentException e) {
                    why = "the application cannot restore it: " + e.getMessage();
                }
            }
            if (why != null) {
                log.accept("application snapshot " + file + " (height " + s.height() + ") refused: " + why);
                continue;
            }
            return new Restored(app, s.height(), s.hash());
        }
        return new Restored(factory.create(null), 0, null);
    }

    private static String refusal(FileSnapshotStore.Snapshot s, String chainId, BlockStore blocks) {
        if (!s.chainId().equals(chainId)) {
            return "it is of chain " + s.chainId() + ", this validator's is " + chainId;
        }
        if (s.height() > blocks.height()) {
            return "the block store holds only up to height " + blocks.height();
        }
        BlockStore.Entry next = blocks.load(s.height() + 1);
        if (next != null && !next.block().header().appHash().equals(s.appHash())) {
            return "its app hash " + s.appHash() + " is not the one block " + (s.height() + 1) + "'s header commits to, "
                    + next.block().header().appHash();
        }
        return null;
    }

    /**
     * After each commit, on the consensus loop: at a multiple of the interval, the state is encoded here (the loop is
     * the only thread touching the application) and written by the writer thread.
     */
    void committed() {
        long height = app.lastCommittedHeight();
        if (height % everyHeights != 0 || height <= lastSnapshotHeight) {
            return;
        }
        Hash appHash = app.lastAppHash();
        byte[] state = app.snapshot();
        lastSnapshotHeight = height;
        try {
            lastWrite.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            // write() logs its failures; nothing else is thrown there
        }
        lastWrite = writer.submit(() -> write(height, appHash, state));
    }

    private void write(long height, Hash appHash, byte[] state) {
        try {
            FileSnapshotStore.Snapshot s = store.save(chainId, height, appHash, state);
            log.accept("application snapshot at height " + height + ": " + state.length + " bytes, hash " + s.hash());
        } catch (UncheckedIOException e) {
            // The chain is safe without it: the next restart replays more blocks.
            log.accept("application snapshot at height " + height + " not written: " + e.getCause());
        }
    }

    /**
     * Waits for a write under way, then, when {@code applicationIdle} (the consensus loop has stopped, so nothing else
     * touches the application), snapshots the state at its height unless already done: a clean restart replays
     * nothing.
     */
    void close(boolean applicationIdle) {
        writer.shutdown();
        try {
            writer.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long height = app.lastCommittedHeight();
        if (applicationIdle && height > lastSnapshotHeight) {
            write(height, app.lastAppHash(), app.snapshot());
            lastSnapshotHeight = height;
        }
    }
}
