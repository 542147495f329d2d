package io.aot.schemas.serde;

import java.io.IOException;

/**
 * Bytes that are not a record this codec can read. Always carries a {@link Reason} so callers can route the record to
 * {@code aot.tx.rejected.v1} with a stable code instead of crashing a job. Checked, and an {@link IOException}, because
 * Flink's {@code DeserializationSchema#deserialize} declares exactly that.
 */
public final class AvroDecodeException extends IOException {

    /** Why the bytes were refused. {@link #name()} is the stable reason code. */
    public enum Reason {
        /** Null or zero-length value. */
        EMPTY,
        /** Longer than the codec's {@code maxEncodedBytes}. */
        TOO_LARGE,
        /** Does not start with the single-object marker {@code C3 01} followed by an 8-byte fingerprint. */
        BAD_HEADER,
        /** The schema fingerprint is not a released version of the expected record. */
        UNKNOWN_FINGERPRINT,
        /** The body ends before the record does. */
        TRUNCATED,
        /** The body is not a valid encoding (bad union index, enum ordinal, length, decimal, ...). */
        MALFORMED,
        /** A whole record was read but bytes were left over. */
        TRAILING_BYTES
    }

    private final Reason reason;

    public AvroDecodeException(Reason reason, String message) {
        super(reason.name() + ": " + message);
        this.reason = reason;
    }

    public AvroDecodeException(Reason reason, String message, Throwable cause) {
        super(reason.name() + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The reason code to put in a {@code Rejection}: {@code DECODE_} + reason. */
    public String reasonCode() {
        return "DECODE_" + reason.name();
    }
}
