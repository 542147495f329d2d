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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Committed blocks in one append-only file: records of {@code [u32 length][u32 CRC32C][block + certificate]}, fsynced
 * after each append, so a block the engine reports committed survives a crash. Chosen over RocksDB: blocks are
 * written once, in height order, and read by height; an append-only log with an in-memory offset index is all that
 * needs, with no native library. On open, a torn last record (a crash mid-append: short, or bad checksum) is cut off;
 * damage before the last record is refused, not repaired.
 */
public final class FileBlockStore implements BlockStore, AutoCloseable {

    private static final int HEADER_BYTES = 8;
    /** Largest record accepted back from disk: a full block plus certificate. */
    private static final int MAX_RECORD_BYTES = 64 << 20;

    private final FileChannel channel;
    private final WireCodec codec;
    private final List<Long> offsets = new ArrayList<>();
    private long end;

    public FileBlockStore(Path file, WireCodec codec) throws IOException {
        this.codec = codec;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        recover();
    }

    private void recover() throws IOException {
        long size = channel.size();
        long pos = 0;
        while (pos < size) {
            Integer length = validRecordLength(pos, size);
            if (length == null) {
                if (hasValidRecordAfter(pos, size)) {
                    throw new IOException("block store damaged at byte " + pos + " before its last record");
                }
                channel.truncate(pos); // torn tail of a crashed append
                channel.force(true);
                break;
            }
            offsets.add(pos);
            pos += HEADER_BYTES + length;
        }
        end = pos;
    }

    private Integer validRecordLength(long pos, long size) throws IOException {
        if (size - pos < HEADER_BYTES) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        channel.read(header, pos);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length <= 0 || length > MAX_RECORD_BYTES || size - pos - HEADER_BYTES < length) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        channel.read(body, pos + HEADER_BYTES);
        CRC32C c = new CRC32C();
        c.update(body.array());
        return (int) c.getValue() == crc ? length : null;
    }

    /** Whether some later offset starts a valid record: then the damage is not just a torn tail. */
    private boolean hasValidRecordAfter(long pos, long size) throws IOException {
        // A torn append leaves at most one partial record; a valid record after it means corruption in the middle.
        for (long p = pos + 1; p + HEADER_BYTES <= size && p < pos + 4096; p++) {
            if (validRecordLength(p, size) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized long height() {
        return offsets.size();
    }

    @Override
    public synchronized Entry load(long height) {
        if (height < 1 || height > offsets.size()) {
            return null;
        }
        try {
            long pos = offsets.get((int) (height - 1));
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            channel.read(header, pos);
            header.flip();
            ByteBuffer body = ByteBuffer.allocate(header.getInt());
            channel.read(body, pos + HEADER_BYTES);
            WireCodec.CommittedBlock c = codec.decodeCommittedBlock(body.array());
            return new Entry(c.block(), c.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedException e) {
            throw new IllegalStateException("stored block " + height + " does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void save(Block block, CommitCertificate certificate) {
        if (block.height() != offsets.size() + 1) {
            throw new IllegalStateException("block " + block.height() + " after height " + offsets.size());
        }
        byte[] body = codec.encodeCommittedBlock(block, certificate);
        CRC32C c = new CRC32C();
        c.update(body);
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + body.length);
        record.putInt(body.length).putInt((int) c.getValue()).put(body).flip();
        try {
            long pos = end;
            while (record.hasRemaining()) {
                channel.write(record, pos + record.position());
            }
            channel.force(false);
            offsets.add(pos);
            end = pos + HEADER_BYTES + body.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append block " + block.height(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
