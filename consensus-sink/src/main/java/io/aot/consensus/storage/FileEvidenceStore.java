package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.evidence.EvidenceParams;
import io.aot.consensus.types.Evidence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A validator's pending evidence (verified, not yet committed) in {@code data/evidence.bin}, so that evidence only
 * this validator held survives its crash (CometBFT keeps its evidence pool in a database). The engine hands over the
 * whole pending list whenever it changes ({@code ConsensusContext.pendingEvidence}: a piece added, or committed or
 * expired pieces removed); the file is replaced atomically with fsync ({@link AtomicFile}), before new evidence is
 * gossiped. Bounded by the pool's own bounds ({@link EvidenceParams#maxPendingItems}, {@code maxPendingBytes}), so at
 * most 1,000 pieces and 256 KiB of evidence by default.
 *
 * <p>Layout: the marker {@code AOTEVD01}, then per piece {@code [u32 length][u32 CRC32C of the bytes][length bytes of
 * WireCodec#writeEvidence]}, big-endian, oldest first. {@link #load} returns the intact pieces before the first
 * damaged record (short, over {@link Evidence#MAX_ENCODED_BYTES}, a checksum or decode failure) or the first beyond
 * the bounds, and cuts off that record and everything after it: the pieces are re-verified by the engine at start, and the next save rewrites the
 * file without them. A file with another marker is refused ({@link StartRefusedException}).
 */
public final class FileEvidenceStore {

    static final byte[] MARKER = "AOTEVD01".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_HEADER_BYTES = 8;

    private final Path file;
    private final WireCodec codec;
    private final EvidenceParams bounds;

    /** What {@link #load} found: the intact pieces, and the byte offset of a damaged record cut off there, or -1. */
    public record Loaded(List<Evidence> evidence, long cutAtOffset) {
    }

    public FileEvidenceStore(Path file, WireCodec codec, EvidenceParams bounds) {
        this.file = file;
        this.codec = codec;
        this.bounds = bounds;
    }

    /**
     * The stored pieces, oldest first, within the pool's bounds; an absent file is none.
     *
     * @throws StartRefusedException if the file does not start with this store's marker (not an evidence file)
     */
    public Loaded load() throws StartRefusedException {
        byte[] bytes;
        try {
            bytes = AtomicFile.readOrNull(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (bytes == null || bytes.length == 0) {
            return new Loaded(List.of(), -1);
        }
        if (bytes.length < MARKER.length || !Arrays.equals(bytes, 0, MARKER.length, MARKER, 0, MARKER.length)) {
            throw new StartRefusedException(file + " is not a pending-evidence file (no " + new String(MARKER,
                    StandardCharsets.US_ASCII) + " marker): move it aside; evidence still pending is gossiped again");
        }
        List<Evidence> out = new ArrayList<>();
        long total = 0;
        int pos = MARKER.length;
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (pos < bytes.length) {
            Evidence e = record(buf, pos);
            if (e == null || out.size() >= bounds.maxPendingItems()
                    || total + e.canonicalBytes().length > bounds.maxPendingBytes()) {
                cut(bytes, pos);
                return new Loaded(List.copyOf(out), pos);
            }
            out.add(e);
            total += e.canonicalBytes().length;
            pos += RECORD_HEADER_BYTES + buf.getInt(pos);
        }
        return new Loaded(List.copyOf(out), -1);
    }

    /** The piece in the record at {@code pos}, or null if the record is short or damaged. */
    private Evidence record(ByteBuffer buf, int pos) {
        if (buf.limit() - pos < RECORD_HEADER_BYTES) {
            return null;
        }
        int length = buf.getInt(pos);
        if (length < 1 || length > Evidence.MAX_ENCODED_BYTES || buf.limit() - pos - RECORD_HEADER_BYTES < length) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(buf.array(), pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + length);
        if (crc(body) != buf.getInt(pos + 4)) {
            return null;
        }
        try {
            CanonicalReader r = new CanonicalReader(body);
            Evidence e = codec.readEvidence(r);
            r.expectEnd();
            return e;
        } catch (CanonicalReader.MalformedException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps the file's first {@code pos} bytes: the intact records before a damaged one. */
    private void cut(byte[] bytes, int pos) {
        try {
            AtomicFile.write(file, Arrays.copyOf(bytes, pos));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cut the damaged tail of " + file, e);
        }
    }

    /**
     * Replaces the file with {@code pending}, oldest first (durable when this returns).
     *
     * @throws IllegalArgumentException if {@code pending} is over the pool's bounds (the pool never is)
     */
    public void save(List<Evidence> pending) {
        if (pending.size() > bounds.maxPendingItems()) {
            throw new IllegalArgumentException(pending.size() + " pieces of evidence over the bound "
                    + bounds.maxPendingItems());
        }
        long total = 0;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes(MARKER);
        for (Evidence e : pending) {
            total += e.canonicalBytes().length;
            CanonicalWriter piece = new CanonicalWriter();
            codec.writeEvidence(piece, e);
            byte[] body = piece.toByteArray();
            bytes.writeBytes(ByteBuffer.allocate(RECORD_HEADER_BYTES).putInt(body.length).putInt(crc(body)).array());
            bytes.writeBytes(body);
        }
        if (total > bounds.maxPendingBytes()) {
            throw new IllegalArgumentException(total + " bytes of evidence over the bound " + bounds.maxPendingBytes());
        }
        try {
            AtomicFile.write(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist pending evidence to " + file, e);
        }
    }

    private static int crc(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (int) crc.getValue();
    }
}
