package io.aot.ledger.terminal;

import io.aot.avro.TerminalPayment;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The device-side checks of a terminal payment, shared by the gateway, the ingest job and {@code aot audit}: the
 * terminal is registered and active, the payment names the terminal's merchant, key id and algorithm, and the device
 * signature verifies. Returns a stable reason code, {@link #OK} when all pass.
 */
public final class DeviceCheck {

    public static final String OK = "OK";

    private DeviceCheck() {
    }

    public static String check(TerminalPayment p, Optional<Terminal> registered) {
        if (registered.isEmpty()) {
            return "UNKNOWN_TERMINAL";
        }
        Terminal t = registered.get();
        if (!t.active()) {
            return "TERMINAL_REVOKED";
        }
        if (!t.merchantId().equals(p.getMerchantId())) {
            return "MERCHANT_MISMATCH";
        }
        return checkSignature(p, t);
    }

    /**
     * Only the signature part, whatever the terminal's status now: the payment names the terminal's key id and
     * algorithm, and the device signature verifies with that key. {@code aot audit} uses it on committed payments,
     * which a terminal revoked since then did sign validly.
     */
    public static String checkSignature(TerminalPayment p, Terminal t) {
        if (!t.keyId().equals(p.getKeyId()) || t.algorithm() != p.getSignatureAlgorithm()) {
            return "UNKNOWN_KEY";
        }
        byte[] signed;
        try {
            signed = TerminalSigning.signBytes(p);
        } catch (IllegalArgumentException e) {
            return "AMOUNT_NOT_INTEGER";
        }
        return DeviceSignatures.verify(t.algorithm(), t.publicKey(), signed, bytes(p.getSignature())) ? OK : "BAD_SIGNATURE";
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
