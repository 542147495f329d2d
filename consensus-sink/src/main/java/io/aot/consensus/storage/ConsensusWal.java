package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
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
 * The consensus write-ahead log: the peers' proposals and votes a validator took for the height it is deciding, so
 * that a restart can replay them ({@link io.aot.consensus.engine.TendermintEngine#start}), as CometBFT's consensus
 * WAL does. Appended without fsync (a peer's message can be received again); {@link #sync} runs before each own
 * message leaves, with the checkpoint, so whatever this validator's votes were based on is on disk before anyone sees
 * them. {@link #reset} empties it at each new height.
 *
 * <p>Layout: records {@code [u32 length][u32 CRC32C][length bytes of WireCodec#encodeMessage]}, big-endian. A torn or
 * damaged record ends the log: what follows it is cut (it can only be the tail an interrupted append left). Bounded
 * at {@code maxBytes}: beyond it messages are not logged (counted in {@link #refusedFull}), and recovery of that
 * height falls back to gossip.
 */
public final class ConsensusWal implements AutoCloseable {

    private static final int RECORD_HEADER_BYTES = 8;

    private final Path file;
    private final WireCodec codec;
    private final long maxBytes;
    private final FileChannel channel;
    private long size;
    private long refusedFull;
    /** Appended since the last sync: a checkpoint with nothing new received costs no second fsync. */
    private boolean dirty;

    public ConsensusWal(Path file, WireCodec codec, long maxBytes) {
        this.file = file;
        this.codec = codec;
        this.maxBytes = maxBytes;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            this.size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the consensus WAL " + file, e);
        }
    }

    /**
     * Every intact message, oldest first; a torn or damaged tail is cut off the file. Messages of any height: the
     * engine replays only those of the height it starts.
     */
    public synchronized List<Object> load() {
        List<Object> messages = new ArrayList<>();
        try {
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
            while (pos + RECORD_HEADER_BYTES <= size) {
                header.clear();
                channel.read(header, pos);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 1 || length > size - pos - RECORD_HEADER_BYTES) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                channel.read(body, pos + RECORD_HEADER_BYTES);
                if (crc(body.array()) != crc) {
                    break;
                }
                try {
                    messages.add(codec.decodeMessage(body.array()));
                } catch (CanonicalReader.MalformedException e) {
                    break;
                }
                pos += RECORD_HEADER_BYTES + length;
            }
            if (pos < size) {
                channel.truncate(pos); // the tail an interrupted append left
                size = pos;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the consensus WAL " + file, e);
        }
        return messages;
    }

    /** Appends one peer message (not synced); false, and counted, when the log is at its bound. */
    public synchronized boolean append(Object message) {
        byte[] body = codec.encodeMessage(message);
        if (size + RECORD_HEADER_BYTES + body.length > maxBytes) {
            refusedFull++;
            return false;
        }
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + body.length);
        record.putInt(body.length).putInt(crc(body)).put(body).flip();
        try {
            while (record.hasRemaining()) {
                channel.write(record, size + record.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the consensus WAL " + file, e);
        }
        size += RECORD_HEADER_BYTES + body.length;
        dirty = true;
        return true;
    }

    /** Makes every appended message durable. */
    public synchronized void sync() {
        if (!dirty) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the consensus WAL " + file, e);
        }
    }

    /** Empties the log: a new height began, and the last one's messages are in its committed block's certificate. */
    public synchronized void reset() {
        try {
            channel.truncate(0);
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the consensus WAL " + file, e);
        }
        size = 0;
    }

    public synchronized long bytes() {
        return size;
    }

    public synchronized long refusedFull() {
        return refusedFull;
    }

    private static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length);
        return (int) c.getValue();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
