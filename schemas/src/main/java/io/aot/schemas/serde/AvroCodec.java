package io.aot.schemas.serde;

import io.aot.schemas.registry.SchemaHistory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker {@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema's parsing canonical form, then the binary body), as the Avro spec defines it, so bytes are readable by Avro's
 * own {@code BinaryMessageDecoder} too. No schema registry: the writer schemas a reader accepts are the record's
 * released versions in {@link SchemaHistory}.
 *
 * <p>Unlike Avro's decoder, every failure is an {@link AvroDecodeException} with a {@link AvroDecodeException.Reason},
 * never a null, an unchecked exception or an unbounded allocation. Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;

    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_BYTES = 10;

    /** Default cap on one encoded record: Kafka's default max message size. */
    public static final int DEFAULT_MAX_ENCODED_BYTES = 1 << 20;

    static {
        AvroRuntimeGuards.install();
    }

    private final Class<T> type;
    private final int maxEncodedBytes;
    private transient Schema readerSchema;
    private transient long readerFingerprint;
    private transient byte[] header;
    private transient Map<Long, SpecificDatumReader<T>> readersByFingerprint;
    private transient SpecificDatumWriter<T> writer;

    private AvroCodec(Class<T> type, int maxEncodedBytes) {
        if (maxEncodedBytes <= HEADER_BYTES) {
            throw new IllegalArgumentException("maxEncodedBytes must exceed the 10-byte header: " + maxEncodedBytes);
        }
        this.type = Objects.requireNonNull(type, "type");
        this.maxEncodedBytes = maxEncodedBytes;
        init();
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type, DEFAULT_MAX_ENCODED_BYTES);
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, int maxEncodedBytes) {
        return new AvroCodec<>(type, maxEncodedBytes);
    }

    private void init() {
        readerSchema = SpecificData.get().getSchema(type);
        readerFingerprint = SchemaNormalization.parsingFingerprint64(readerSchema);
        header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_0).put(MARKER_1).putLong(readerFingerprint).array();
        writer = new SpecificDatumWriter<>(readerSchema);
        readersByFingerprint = new HashMap<>();
        List<Schema> writers = SchemaHistory.releasedVersions(readerSchema.getFullName());
        for (Schema w : writers) {
            readersByFingerprint.put(SchemaNormalization.parsingFingerprint64(w), new SpecificDatumReader<>(w, readerSchema));
        }
        // The current schema is always readable, released or not (a record being developed still round-trips).
        readersByFingerprint.putIfAbsent(readerFingerprint, new SpecificDatumReader<>(readerSchema, readerSchema));
    }

    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        init();
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return readerSchema;
    }

    /** Fingerprint written in the header of every record this codec encodes. */
    public long fingerprint() {
        return readerFingerprint;
    }

    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length > maxEncodedBytes) {
            throw new IllegalArgumentException(type.getSimpleName() + " encodes to " + bytes.length
                    + " bytes, over the limit of " + maxEncodedBytes);
        }
        return bytes;
    }

    public T decode(byte[] bytes) throws AvroDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new AvroDecodeException(AvroDecodeException.Reason.EMPTY, "no bytes for " + type.getSimpleName());
        }
        if (bytes.length > maxEncodedBytes) {
            throw new AvroDecodeException(AvroDecodeException.Reason.TOO_LARGE,
                    bytes.length + " bytes, limit " + maxEncodedBytes);
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new AvroDecodeException(AvroDecodeException.Reason.BAD_HEADER,
                    "expected single-object marker C3 01 and an 8-byte fingerprint, got "
                            + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, HEADER_BYTES)));
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readersByFingerprint.get(fingerprint);
        if (reader == null) {
            throw new AvroDecodeException(AvroDecodeException.Reason.UNKNOWN_FINGERPRINT, String.format(
                    "fingerprint %016x is not a released version of %s", fingerprint, readerSchema.getFullName()));
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new AvroDecodeException(AvroDecodeException.Reason.TRUNCATED,
                    type.getSimpleName() + " body ends early", e);
        } catch (IOException | RuntimeException e) {
            // Avro reports bad encodings with a mix of AvroRuntimeException (incl. SystemLimitException), ArrayIndexOutOfBounds (union/enum index),
            // NegativeArraySize, ArithmeticException (decimal), ClassCast and plain IOExceptions.
            if (e instanceof AvroRuntimeException && e.getCause() instanceof EOFException) {
                throw new AvroDecodeException(AvroDecodeException.Reason.TRUNCATED,
                        type.getSimpleName() + " body ends early", e);
            }
            throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED,
                    type.getSimpleName() + " body is not a valid encoding: " + e, e);
        }
        boolean consumedAll;
        try {
            consumedAll = decoder.isEnd();
        } catch (IOException e) {
            throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED, "cannot check end of body: " + e, e);
        }
        if (!consumedAll) {
            throw new AvroDecodeException(AvroDecodeException.Reason.TRAILING_BYTES,
                    type.getSimpleName() + " ended before the bytes did");
        }
        return record;
    }
}
