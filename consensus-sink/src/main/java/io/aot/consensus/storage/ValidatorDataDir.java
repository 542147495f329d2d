package io.aot.consensus.storage;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.SignerGuard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A validator home's {@code data/} folder, opened safely: first an exclusive lock on {@code data/LOCK} (as LevelDB's
 * LOCK file, which CometBFT's stores take), held until {@link #close}, so two processes never append blocks or sign
 * from one home; then the block store ({@code blocks.log}), the consensus checkpoint ({@code checkpoint.bin}) and the
 * signer state ({@code signer.bin}). The signer state must exist whenever blocks or a checkpoint do: without it the
 * key's last signatures are forgotten and signing again could double-sign (the risk CometBFT's
 * {@code double_sign_check_height} guards), so the open is refused rather than starting from an empty state. A fresh
 * folder gets a "nothing signed yet" signer state before anything else, so a missing file always means a lost one.
 */
public final class ValidatorDataDir implements AutoCloseable {

    /** The signer state of a key that has signed nothing yet: every height from 1 is above it. */
    public static final SignerGuard.LastSigned NOTHING_SIGNED = new SignerGuard.LastSigned(0, 0, 0, new byte[0],
            new byte[0]);

    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileBlockStore blocks;
    private final FileCheckpointStore checkpoints;
    private final FileSignerStore signer;

    private ValidatorDataDir(FileChannel lockChannel, FileLock lock, FileBlockStore blocks,
            FileCheckpointStore checkpoints, FileSignerStore signer) {
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.blocks = blocks;
        this.checkpoints = checkpoints;
        this.signer = signer;
    }

    /**
     * Locks and opens {@code dataDir} (created if absent).
     *
     * @throws StartRefusedException if another process (or another open in this JVM) holds the folder, the block store
     *     is damaged, or blocks or a checkpoint exist without {@code signer.bin}
     */
    public static ValidatorDataDir open(Path dataDir, WireCodec codec) throws IOException {
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve("LOCK");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileBlockStore blocks = null;
        try {
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.US_ASCII).trim();
                throw new StartRefusedException("data folder " + dataDir + " is in use by another validator process"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ", which holds " + lockFile
                        + "; stop it first: two processes on one home would both append blocks and sign");
            }
            lockChannel.truncate(0);
            lockChannel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            blocks = new FileBlockStore(dataDir.resolve("blocks.log"), codec);
            Path checkpointFile = dataDir.resolve("checkpoint.bin");
            Path signerFile = dataDir.resolve("signer.bin");
            boolean chainState = blocks.height() > 0 || Files.exists(checkpointFile);
            FileSignerStore signer = new FileSignerStore(signerFile);
            if (!Files.exists(signerFile) && !chainState) {
                // A fresh home: record "nothing signed" now, so that from here on a missing file means a lost one
                // (a node could otherwise sync blocks and crash before its first signature, and be refused).
                signer.save(NOTHING_SIGNED);
            }
            if (!Files.exists(signerFile)) {
                throw new StartRefusedException("signer state " + signerFile + " is missing, but " + dataDir
                        + " holds " + (blocks.height() > 0 ? "blocks up to height " + blocks.height() : "no blocks")
                        + (Files.exists(checkpointFile) ? " and a consensus checkpoint" : "")
                        + ": this key may have signed votes it no longer remembers, and signing again could"
                        + " double-sign; restore signer.bin from a backup of this home before starting");
            }
            return new ValidatorDataDir(lockChannel, lock, blocks, new FileCheckpointStore(checkpointFile, codec),
                    signer);
        } catch (IOException | RuntimeException e) {
            if (blocks != null) {
                blocks.close();
            }
            lockChannel.close(); // releases the lock if taken
            throw e;
        }
    }

    /** The lock, or null if another process holds it (or this JVM does: then the OS would grant it, so check here). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    public FileBlockStore blocks() {
        return blocks;
    }

    public FileCheckpointStore checkpoints() {
        return checkpoints;
    }

    public FileSignerStore signer() {
        return signer;
    }

    /** Closes the block store and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            blocks.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
