package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots of the application's state at a committed height in {@code data/}, so that a restart replays only the
 * blocks after the newest one (the local half of CometBFT's state sync: a snapshot taken at a height, proven by the app
 * hash of the next block's header). One file per height, {@code snapshot-<height, 20 digits>.bin}, written atomically
 * (temporary file, fsync, rename, fsync of the folder); the newest {@link #KEEP} are kept.
 *
 * <p>File layout ({@link CanonicalWriter}): the domain {@code aot/app-snapshot/v1}, the chain id, the height (8 bytes),
 * the app hash after that height (32), the application's state ({@code Application.snapshot()}, 4-byte length), then
 * the snapshot's hash: SHA-256 of everything before it (32). The hash is the checksum that refuses a damaged file, and
 * the snapshot's identity: validators at the same height write the same bytes, so the same hash.
 */
public final class FileSnapshotStore {

    /** Snapshots kept: the newest, and one before it to fall back on if the newest is refused at start. */
    public static final int KEEP = 2;
    static final String DOMAIN = "aot/app-snapshot/v1";
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.bin");

    /** A snapshot read back and found intact (its hash matches its content). */
    public record Snapshot(String chainId, long height, Hash appHash, byte[] appState, Hash hash, Path file) {
    }

    /** A snapshot file that cannot be used; the message says why. */
    public static final class DamagedSnapshotException extends Exception {
        private static final long serialVersionUID = 1L;

        public DamagedSnapshotException(String message) {
            super(message);
        }
    }

    private final Path dir;

    public FileSnapshotStore(Path dataDir) {
        this.dir = dataDir;
    }

    /**
     * Writes the snapshot of {@code height} durably, then deletes all but the newest {@link #KEEP}.
     *
     * @throws UncheckedIOException if it cannot be written (the older snapshots are left as they were)
     */
    public Snapshot save(String chainId, long height, Hash appHash, byte[] appState) {
        byte[] body = CanonicalWriter.domain(DOMAIN).string(chainId).i64(height).hash(appHash).bytes(appState)
                .toByteArray();
        Hash hash = Hash.sha256(body);
        byte[] content = Arrays.copyOf(body, body.length + Hash.BYTES);
        System.arraycopy(hash.bytes(), 0, content, body.length, Hash.BYTES);
        Path file = dir.resolve(String.format("snapshot-%020d.bin", height));
        try {
            AtomicFile.write(file, content);
            List<Path> all = files();
            for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
                Files.deleteIfExists(old);
            }
            try (Stream<Path> s = Files.list(dir)) { // what a crash in the middle of an earlier write left
                for (Path tmp : s.filter(p -> p.getFileName().toString().matches("snapshot-\\d{20}\\.bin\\.tmp"))
                        .toList()) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write application snapshot " + file, e);
        }
        return new Snapshot(chainId, height, appHash, appState, hash, file);
    }

    /** The snapshot files, highest height first (leftover temporary files of an interrupted write are not listed). */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Reads one snapshot file and checks it: its hash, layout, and that its height is the one its name says.
     *
     * @throws DamagedSnapshotException if it is unreadable, its hash does not match, or it is not a snapshot
     */
    public Snapshot read(Path file) throws DamagedSnapshotException {
        byte[] content;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 64) {
                throw new DamagedSnapshotException(file + " is " + Files.size(file) + " bytes, more than a snapshot holds");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DamagedSnapshotException("cannot read " + file + ": " + e);
        }
        if (content.length < Hash.BYTES) {
            throw new DamagedSnapshotException(file + " is truncated (" + content.length + " bytes)");
        }
        int bodyLength = content.length - Hash.BYTES;
        Hash stored = Hash.of(Arrays.copyOfRange(content, bodyLength, content.length));
        Hash computed = Hash.sha256(Arrays.copyOf(content, bodyLength));
        if (!stored.equals(computed)) {
            throw new DamagedSnapshotException(file + " is damaged: its hash is " + stored + " but its content hashes to "
                    + computed);
        }
        try {
            CanonicalReader r = new CanonicalReader(content, 0, bodyLength);
            if (!DOMAIN.equals(r.string(64))) {
                throw new DamagedSnapshotException(file + " is not an " + DOMAIN + " file");
            }
            String chainId = r.string(256);
            long height = r.i64();
            Hash appHash = r.hash();
            byte[] appState = r.bytes(bodyLength);
            r.expectEnd();
            Matcher m = NAME.matcher(file.getFileName().toString());
            if (!m.matches() || Long.parseLong(m.group(1)) != height) {
                throw new DamagedSnapshotException(file + " holds height " + height + ", not the height of its name");
            }
            return new Snapshot(chainId, height, appHash, appState, stored, file);
        } catch (CanonicalReader.MalformedException e) {
            throw new DamagedSnapshotException(file + " is malformed: " + e.getMessage());
        }
    }
}
