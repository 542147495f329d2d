package io.aot.ingestion.chain;

import com.klaytn.caver.transaction.AbstractFeeDelegatedTransaction;
import com.klaytn.caver.transaction.AbstractFeeDelegatedWithRatioTransaction;
import com.klaytn.caver.transaction.AbstractTransaction;
import com.klaytn.caver.transaction.TransactionDecoder;
import com.klaytn.caver.transaction.type.LegacyTransaction;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.web3j.crypto.SignedRawTransaction;

/**
 * {@code aot chain decode}: a raw RLP-encoded Klaytn transaction (as {@code klay_sendRawTransaction} takes it) decoded
 * with caver-java into the fields the platform cares about. Hex values are {@code 0x}-prefixed and lower case;
 * quantities ({@code value}, {@code nonce}, {@code gas}, {@code gasPrice}) are hex quantities as the JSON-RPC API
 * writes them. {@code feePayer} and {@code feeRatio} appear only for fee-delegated types (and the ratio only for the
 * partial ones); {@code senderTxHash} equals {@code txHash} for types without a fee payer.
 */
public final class KlaytnTxDecoder {

    /** Input that is not a Klaytn transaction: the message says why, for a one-line error. */
    public static final class InvalidTransactionException extends Exception {
        InvalidTransactionException(String message) {
            super(message.replaceAll("\\s+", " ")); // one line, whatever the library said
        }
    }

    private static final int MAX_RAW_HEX_CHARS = 2 * 128 * 1024; // a Klaytn transaction is at most 128 KiB

    private KlaytnTxDecoder() {
    }

    public static Map<String, String> decode(String rawHex) throws InvalidTransactionException {
        String hex = rawHex == null ? "" : rawHex.trim();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (hex.isEmpty() || hex.length() % 2 != 0 || hex.length() > MAX_RAW_HEX_CHARS || !hex.matches("[0-9a-fA-F]+")) {
            throw new InvalidTransactionException("not an even-length hex string of at most 128 KiB");
        }
        AbstractTransaction tx;
        try {
            tx = TransactionDecoder.decode("0x" + hex);
        } catch (RuntimeException e) {
            throw new InvalidTransactionException("not a valid RLP-encoded Klaytn transaction (" + e.getMessage() + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", tx.getType());
        out.put("from", from(tx, hex));
        putIfPresent(out, "to", lower(call(tx, "getTo")));
        putIfPresent(out, "value", quantity(call(tx, "getValue")));
        out.put("nonce", quantity(tx.getNonce()));
        out.put("gas", quantity(tx.getGas()));
        putIfPresent(out, "gasPrice", quantity(call(tx, "getGasPrice")));
        if (tx instanceof AbstractFeeDelegatedTransaction fd) {
            out.put("feePayer", lower(fd.getFeePayer()));
        }
        if (tx instanceof AbstractFeeDelegatedWithRatioTransaction ratio) {
            out.put("feeRatio", quantity(ratio.getFeeRatio()));
        }
        out.put("txHash", lower(tx.getTransactionHash()));
        out.put("senderTxHash", lower(tx instanceof AbstractFeeDelegatedTransaction ? tx.getSenderTxHash()
                : tx.getTransactionHash()));
        return out;
    }

    /** The map as one JSON object (every value is a string). */
    public static String toJson(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        });
        return sb.append('}').toString();
    }

    /**
     * A legacy transaction does not carry its sender: it is recovered from the signature (EIP-155), as the node does.
     * Every other type names its sender in the RLP.
     */
    private static String from(AbstractTransaction tx, String hex) throws InvalidTransactionException {
        if (tx instanceof LegacyTransaction) {
            try {
                var raw = org.web3j.crypto.TransactionDecoder.decode("0x" + hex);
                if (raw instanceof SignedRawTransaction signed) {
                    return lower(signed.getFrom());
                }
            } catch (RuntimeException | java.security.SignatureException e) {
                throw new InvalidTransactionException("legacy transaction whose sender cannot be recovered (" + e.getMessage() + ")");
            }
            throw new InvalidTransactionException("legacy transaction without a signature");
        }
        return lower(tx.getFrom());
    }

    /** caver's transaction classes share no interface for to/value/gasPrice; the types that have them name them so. */
    private static String call(AbstractTransaction tx, String getter) {
        try {
            Method m = tx.getClass().getMethod(getter);
            Object v = m.invoke(tx);
            return v == null ? null : v.toString();
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(getter + " of " + tx.getClass().getSimpleName(), e);
        }
    }

    private static void putIfPresent(Map<String, String> out, String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.put(key, value);
        }
    }

    private static String quantity(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        String digits = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
        return "0x" + (digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits, 16)).toString(16);
    }

    private static String lower(String v) {
        return v == null ? null : v.toLowerCase();
    }
}
