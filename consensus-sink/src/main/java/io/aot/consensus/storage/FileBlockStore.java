package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader.MalformedException;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed blocks in one append-only file, fsynced after each append, so a block the engine reports committed
 * survives a crash. Chosen over RocksDB: blocks are written once, in height order, and read by height; an append-only
 * log with an in-memory offset index is all that needs, with no native library.
 *
 * <p>Layout: the 8-byte format marker {@code AOTBLK02}, then one record per block:
 * {@code [u64 height][u32 body length][u32 CRC32C of body][u32 CRC32C of the 16 header bytes before it][body]}, the body
 * being {@link WireCodec#encodeCommittedBlock} (block and certificate), big-endian. Every byte of a record is covered by
 * a checksum, so damage anywhere is found (CometBFT's WAL frames its records the same way: CRC32C and length).
 *
 * <p>On open every record is read and checked in full: header checksum, height in sequence from 1, body checksum.
 * Only the last append can be torn by a crash (appends are sequential and each is fsynced before the next), so a bad
 * record is treated as a torn tail and cut off only when nothing after it could be a record: no later offset holds a
 * valid record header and the bytes from it to the end are no longer than one record. Anything else is damage:
 * {@link DamagedException} naming the height and byte offset, with the file left as it was. A record read later by
 * {@link #load} is checked again, so damage while running is reported instead of served.
 */
public final class FileBlockStore implements BlockStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileBlockStore.class);

    /** Format marker at byte 0; the version is in its last two characters. */
    private static final byte[] FORMAT_MARKER = "AOTBLK02".getBytes(StandardCharsets.US_ASCII);
    /** Height (8), body length (4), body checksum (4), header checksum (4). */
    static final int RECORD_HEADER_BYTES = 20;
    /** Largest record body accepted back from disk: a full block plus certificate. */
    private static final int MAX_RECORD_BYTES = 64 << 20;

    /** The store's file is damaged before its last record (or is not a block store): refused, not repaired. */
    public static final class DamagedException extends StartRefusedException {
        private static final long serialVersionUID = 1L;

        DamagedException(Path file, String what) {
            super("block store " + file + " is damaged: " + what + ". Nothing was changed; restore data/ from a backup,"
                    + " or move " + file.getFileName() + " aside and let block sync fetch the blocks from peers again");
        }
    }

    /** A record header that passed its checksum. */
    private record RecordHeader(long height, int bodyLength, int bodyCrc) {
    }

    private final Path file;
    private final FileChannel channel;
    private final WireCodec codec;
    private final List<Long> offsets = new ArrayList<>();
    private long end;

    /**
     * Opens (or creates) the store, cutting a torn last record.
     *
     * @throws DamagedException if a record before the tail fails its checks, or the file is not in this format
     */
    public FileBlockStore(Path file, WireCodec codec) throws IOException {
        this.file = file;
        this.codec = codec;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            recover();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void recover() throws IOException {
        long size = channel.size();
        if (size < FORMAT_MARKER.length) {
            byte[] start = readAt(0, (int) size);
            if (!Arrays.equals(start, 0, start.length, FORMAT_MARKER, 0, start.length)) {
                throw new DamagedException(file, "it does not start with the format marker " + marker());
            }
            // New file, or a crash while creating it.
            channel.truncate(0);
            write(ByteBuffer.wrap(FORMAT_MARKER), 0);
            channel.force(true);
            end = FORMAT_MARKER.length;
            return;
        }
        if (!Arrays.equals(readAt(0, FORMAT_MARKER.length), FORMAT_MARKER)) {
            throw new DamagedException(file, "it does not start with the format marker " + marker()
                    + " (a file of an older format, whose records had no header checksum, or not a block store)");
        }
        long pos = FORMAT_MARKER.length;
        while (pos < size) {
            long height = offsets.size() + 1L;
            String bad = checkRecord(pos, size, height);
            if (bad != null) {
                if (!isTornTail(pos, size)) {
                    throw new DamagedException(file, "the record of height " + height + " at offset " + pos + " " + bad
                            + ", and records follow it");
                }
                LOG.warn("block store {}: cutting a torn last record (height {}, offset {}, {} bytes: {})", file, height,
                        pos, size - pos, bad);
                channel.truncate(pos);
                channel.force(true);
                break;
            }
            offsets.add(pos);
            pos += RECORD_HEADER_BYTES + header(pos).bodyLength();
        }
        end = pos;
    }

    private static String marker() {
        return new String(FORMAT_MARKER, StandardCharsets.US_ASCII);
    }

    /** Null if a whole, valid record of {@code height} starts at {@code pos}; otherwise what is wrong with it. */
    private String checkRecord(long pos, long size, long height) throws IOException {
        if (size - pos < RECORD_HEADER_BYTES) {
            return "is shorter than a record header";
        }
        RecordHeader h = header(pos);
        if (h == null) {
            return "has a record header that fails its checksum";
        }
        if (h.height() != height) {
            return "holds height " + h.height();
        }
        if (size - pos - RECORD_HEADER_BYTES < h.bodyLength()) {
            return "is cut short (" + (size - pos - RECORD_HEADER_BYTES) + " of " + h.bodyLength() + " body bytes)";
        }
        byte[] body = readAt(pos + RECORD_HEADER_BYTES, h.bodyLength());
        if (crc(body, 0, body.length) != h.bodyCrc()) {
            return "fails its body checksum";
        }
        return null;
    }

    /** The header at {@code pos} if its checksum holds and its length is in bounds; null otherwise. */
    private RecordHeader header(long pos) throws IOException {
        return parseHeader(readAt(pos, RECORD_HEADER_BYTES), 0);
    }

    private static RecordHeader parseHeader(byte[] bytes, int at) {
        ByteBuffer b = ByteBuffer.wrap(bytes, at, RECORD_HEADER_BYTES);
        long height = b.getLong();
        int length = b.getInt();
        int bodyCrc = b.getInt();
        int headerCrc = b.getInt();
        CRC32C c = new CRC32C();
        c.update(bytes, at, RECORD_HEADER_BYTES - 4);
        if ((int) c.getValue() != headerCrc || height < 1 || length <= 0 || length > MAX_RECORD_BYTES) {
            return null;
        }
        return new RecordHeader(height, length, bodyCrc);
    }

    /**
     * Whether the bad record at {@code pos} can be the torn last append: a valid header of it does not end before the
     * end of the file, the rest of the file is no longer than one record, and no offset after {@code pos} starts a
     * valid record header.
     */
    private boolean isTornTail(long pos, long size) throws IOException {
        long rest = size - pos;
        if (rest > RECORD_HEADER_BYTES + (long) MAX_RECORD_BYTES) {
            return false;
        }
        RecordHeader own = rest >= RECORD_HEADER_BYTES ? header(pos) : null;
        if (own != null && RECORD_HEADER_BYTES + (long) own.bodyLength() < rest) {
            return false; // a whole record with bytes after it: not the last append
        }
        byte[] tail = readAt(pos, (int) rest);
        for (int at = 1; at + RECORD_HEADER_BYTES <= tail.length; at++) {
            if (parseHeader(tail, at) != null) {
                return false;
            }
        }
        return true;
    }

    private byte[] readAt(long pos, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, pos + buf.position()) < 0) {
                throw new IOException("block store " + file + " ended at " + (pos + buf.position()) + " while reading");
            }
        }
        return buf.array();
    }

    private void write(ByteBuffer buf, long pos) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }

    /** Byte offset of the record of {@code height} (tests damage a chosen record with it). */
    synchronized long recordOffset(long height) {
        return offsets.get((int) (height - 1));
    }

    @Override
    public synchronized long height() {
        return offsets.size();
    }

    /**
     * The block and certificate at {@code height}, or null if not stored.
     *
     * @throws IllegalStateException if the record fails its checksums now (damaged since the store was opened)
     */
    @Override
    public synchronized Entry load(long height) {
        byte[] body = loadEncoded(height);
        if (body == null) {
            return null;
        }
        try {
            WireCodec.CommittedBlock c = codec.decodeCommittedBlock(body);
            return new Entry(c.block(), c.certificate());
        } catch (MalformedException e) {
            throw new IllegalStateException("stored block " + height + " does not decode: " + e.getMessage(), e);
        }
    }

    /** Bytes of the stored record body of {@code height} ({@link #loadEncoded}), or 0 if not stored. */
    public synchronized int encodedBytes(long height) {
        if (height < 1 || height > offsets.size()) {
            return 0;
        }
        long pos = offsets.get((int) (height - 1));
        long next = height < offsets.size() ? offsets.get((int) height) : end;
        return (int) (next - pos - RECORD_HEADER_BYTES); // a body checked on open, or appended from one array
    }

    /**
     * The stored bytes of {@code height}, {@link WireCodec#encodeCommittedBlock} (block and certificate), checked but
     * not decoded: what an answer to a client carries, in one array of {@link #encodedBytes}. Null if not stored.
     *
     * @throws IllegalStateException if the record fails its checksums now (damaged since the store was opened)
     */
    public synchronized byte[] loadEncoded(long height) {
        int length = encodedBytes(height);
        if (length == 0) {
            return null;
        }
        long pos = offsets.get((int) (height - 1));
        try {
            RecordHeader h = header(pos);
            String bad = h == null ? "has a record header that fails its checksum"
                    : h.height() != height || h.bodyLength() != length
                            ? "holds height " + h.height() + " and " + h.bodyLength() + " body bytes"
                    : null;
            byte[] body = bad == null ? readAt(pos + RECORD_HEADER_BYTES, length) : null;
            if (bad == null && crc(body, 0, length) != h.bodyCrc()) {
                bad = "fails its body checksum";
            }
            if (bad != null) {
                throw new IllegalStateException("block store " + file + ": the record of height " + height
                        + " at offset " + pos + " " + bad + " (damaged since the store was opened)");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void save(Block block, CommitCertificate certificate) {
        if (block.height() != offsets.size() + 1) {
            throw new IllegalStateException("block " + block.height() + " after height " + offsets.size());
        }
        byte[] body = codec.encodeCommittedBlock(block, certificate);
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + body.length);
        record.putLong(block.height()).putInt(body.length).putInt(crc(body, 0, body.length));
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(record.array(), 0, RECORD_HEADER_BYTES - 4);
        record.putInt((int) headerCrc.getValue()).put(body).flip();
        try {
            long pos = end;
            write(record, pos);
            channel.force(false);
            offsets.add(pos);
            end = pos + RECORD_HEADER_BYTES + body.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append block " + block.height(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
