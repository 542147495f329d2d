package io.aot.consensus.codec;

import io.aot.consensus.crypto.Hash;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one canonical byte encoding of everything signed or hashed (docs/consensus.md): integers big-endian and fixed
 * width, byte strings and UTF-8 strings prefixed by a 4-byte length, optional values by a presence byte, lists by a
 * 4-byte count. Every signed message starts with a domain tag ({@code "aot/vote/v1"}, ...) so a signature over one kind
 * of message can never be replayed as another. No maps, no floats: the same value always gives the same bytes.
 */
public final class CanonicalWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    public static CanonicalWriter domain(String tag) {
        return new CanonicalWriter().string(tag);
    }

    public CanonicalWriter u8(int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException("not a byte: " + v);
        }
        out.write(v);
        return this;
    }

    public CanonicalWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public CanonicalWriter i32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public CanonicalWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    public CanonicalWriter bytes(byte[] v) {
        i32(v.length);
        out.writeBytes(v);
        return this;
    }

    public CanonicalWriter string(String v) {
        return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    public CanonicalWriter hash(Hash h) {
        out.writeBytes(h.bytes());
        return this;
    }

    /** A hash that may be absent (a nil vote, the first block's parent). */
    public CanonicalWriter optionalHash(Hash h) {
        if (h == null) {
            return u8(0);
        }
        u8(1);
        return hash(h);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    public Hash sha256() {
        return Hash.sha256(out.toByteArray());
    }
}
