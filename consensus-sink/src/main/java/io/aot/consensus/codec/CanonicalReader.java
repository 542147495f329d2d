package io.aot.consensus.codec;

import io.aot.consensus.crypto.Hash;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link CanonicalWriter} wrote, from untrusted bytes: every length is checked against what is left and
 * against a limit before anything is allocated, and any violation is a {@link MalformedException}, never a crash.
 */
public final class CanonicalReader {

    /** Bytes that are not a valid encoding; the message says where and why. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    public CanonicalReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public CanonicalReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    private void need(int n) throws MalformedException {
        if (n < 0 || end - pos < n) {
            throw new MalformedException("truncated at byte " + pos + ": need " + n + ", have " + (end - pos));
        }
    }

    public int u8() throws MalformedException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public boolean bool() throws MalformedException {
        int b = u8();
        if (b > 1) {
            throw new MalformedException("not a boolean: " + b);
        }
        return b == 1;
    }

    public int i32() throws MalformedException {
        need(4);
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
        pos += 4;
        return v;
    }

    public long i64() throws MalformedException {
        return ((long) i32() << 32) | (i32() & 0xFFFFFFFFL);
    }

    /** A count or length, checked to be within {@code [0, max]}. */
    public int count(int max, String what) throws MalformedException {
        int n = i32();
        if (n < 0 || n > max) {
            throw new MalformedException(what + " " + n + " outside 0.." + max);
        }
        return n;
    }

    public byte[] bytes(int maxLength) throws MalformedException {
        int n = count(maxLength, "byte string length");
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String string(int maxLength) throws MalformedException {
        return new String(bytes(maxLength), StandardCharsets.UTF_8);
    }

    public Hash hash() throws MalformedException {
        need(Hash.BYTES);
        byte[] out = new byte[Hash.BYTES];
        System.arraycopy(buf, pos, out, 0, Hash.BYTES);
        pos += Hash.BYTES;
        return Hash.of(out);
    }

    public Hash optionalHash() throws MalformedException {
        return bool() ? hash() : null;
    }

    public int remaining() {
        return end - pos;
    }

    public void expectEnd() throws MalformedException {
        if (pos != end) {
            throw new MalformedException((end - pos) + " trailing bytes");
        }
    }
}
