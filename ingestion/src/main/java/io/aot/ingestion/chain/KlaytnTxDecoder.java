package io.aot.ingestion.chain;

import com.klaytn.caver.transaction.AbstractFeeDelegatedTransaction;
import com.klaytn.caver.transaction.AbstractFeeDelegatedWithRatioTransaction;
import com.klaytn.caver.transaction.AbstractTransaction;
import com.klaytn.caver.transaction.TransactionDecoder;
import com.klaytn.caver.transaction.type.EthereumAccessList;
import com.klaytn.caver.transaction.type.EthereumDynamicFee;
import com.klaytn.caver.transaction.type.LegacyTransaction;
import com.klaytn.caver.wallet.keyring.SignatureData;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.utils.Numeric;

/**
 * {@code aot chain decode}: a raw RLP-encoded Klaytn transaction (as {@code klay_sendRawTransaction} takes it) decoded
 * with caver-java into the fields the platform cares about. Hex values are {@code 0x}-prefixed and lower case;
 * quantities ({@code value}, {@code nonce}, {@code gas}, {@code gasPrice}) are hex quantities as the JSON-RPC API
 * writes them. {@code feePayer} and {@code feeRatio} appear only for fee-delegated types (and the ratio only for the
 * partial ones); {@code senderTxHash} equals {@code txHash} for types without a fee payer.
 *
 * <p>Rules, from the Kaia transaction-type docs (docs.kaia.io, "Transactions": Basic, Fee Delegation, Partial Fee
 * Delegation, Ethereum Compatibility):
 * <ul>
 *   <li>A fee-delegated transaction's {@code TxHash} covers {@code feePayer} and {@code feePayerSignatures}; before the
 *   fee payer signed (fee payer empty or zero, or a signature {@code [0x01, 0x, 0x]}, caver's empty signature) there is
 *   no final hash yet: {@code feePayerSigned} is {@code "false"} and {@code feePayer} and {@code txHash} are left out,
 *   {@code senderTxHash} (what the sender signed) is printed.</li>
 *   <li>The input must be exactly one transaction in canonical RLP, as the node decodes it: trailing bytes or a
 *   non-canonical encoding (e.g. an integer with a leading zero byte) are refused.</li>
 *   <li>The Ethereum envelope types (0x7801 TxTypeEthereumAccessList, 0x7802 TxTypeEthereumDynamicFee) carry no
 *   sender field: it is recovered from the signature over the EIP-2718 payload, as for a legacy transaction
 *   (EIP-155). 0x7803 and 0x7804 (blob, set-code) are newer than caver-java 1.12 and are refused by name.</li>
 * </ul>
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
        hex = hex.toLowerCase();
        refuseUnsupportedEnvelope(hex);
        AbstractTransaction tx;
        try {
            tx = TransactionDecoder.decode("0x" + hex);
        } catch (RuntimeException e) {
            throw new InvalidTransactionException("not a valid RLP-encoded Klaytn transaction (" + e.getMessage() + ")");
        }
        requireExactEncoding(tx, hex);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", tx.getType());
        out.put("from", from(tx, hex));
        putIfPresent(out, "to", lower(call(tx, "getTo")));
        putIfPresent(out, "value", quantity(call(tx, "getValue")));
        out.put("nonce", quantity(tx.getNonce()));
        out.put("gas", quantity(tx.getGas()));
        putIfPresent(out, "gasPrice", quantity(call(tx, "getGasPrice")));
        boolean feePayerSigned = true;
        if (tx instanceof AbstractFeeDelegatedTransaction fd) {
            feePayerSigned = feePayerSigned(fd);
            if (feePayerSigned) {
                out.put("feePayer", lower(fd.getFeePayer()));
            }
            out.put("feePayerSigned", Boolean.toString(feePayerSigned));
        }
        if (tx instanceof AbstractFeeDelegatedWithRatioTransaction ratio) {
            out.put("feeRatio", quantity(ratio.getFeeRatio()));
        }
        if (feePayerSigned) {
            out.put("txHash", lower(tx.getTransactionHash()));
        }
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

    /** The EIP-2718 types behind Kaia's 0x78 envelope that caver-java 1.12 cannot decode, by their Kaia names. */
    private static final Map<String, String> UNSUPPORTED_ENVELOPES = Map.of(
            "7803", "TxTypeEthereumBlob", "7804", "TxTypeEthereumSetCode");

    private static void refuseUnsupportedEnvelope(String hex) throws InvalidTransactionException {
        String name = hex.length() >= 4 ? UNSUPPORTED_ENVELOPES.get(hex.substring(0, 4)) : null;
        if (name != null) {
            throw new InvalidTransactionException(name + " is not supported by this decoder (caver-java 1.12)");
        }
    }

    /**
     * caver (web3j's RLP decoder) reads the first RLP item and ignores what follows, and accepts non-canonical
     * integers; the node does neither (its RLP decoder refuses trailing input and non-canonical sizes and integers).
     * So the input must be one RLP list after the type prefix, and a final (fully signed) transaction must re-encode
     * to the input byte for byte. A fee-delegated transaction the fee payer has not signed yet is an intermediate form
     * that SDKs write with an empty or zero fee payer: only its framing is checked.
     */
    private static void requireExactEncoding(AbstractTransaction tx, String hex) throws InvalidTransactionException {
        byte[] raw = Numeric.hexStringToByteArray(hex);
        int prefix = (raw[0] & 0xff) >= 0xc0 ? 0 : (raw[0] & 0xff) == 0x78 ? 2 : 1; // legacy, 0x78 envelope, Klaytn type
        long end = prefix + rlpItemLength(raw, prefix);
        if (end < raw.length) {
            throw new InvalidTransactionException((raw.length - end) + " trailing byte(s) after the transaction");
        }
        if (tx instanceof AbstractFeeDelegatedTransaction fd && !feePayerSigned(fd)) {
            return;
        }
        String canonical;
        try {
            canonical = tx.getRLPEncoding().substring(2).toLowerCase();
        } catch (RuntimeException e) {
            throw new InvalidTransactionException("not a valid Klaytn transaction (" + e.getMessage() + ")");
        }
        if (!canonical.equals(hex)) {
            throw new InvalidTransactionException("not the canonical RLP encoding of a " + tx.getType());
        }
    }

    /** Length in bytes of the RLP item (header and payload) at {@code at}: the RLP spec's length prefixes. */
    private static long rlpItemLength(byte[] b, int at) throws InvalidTransactionException {
        if (at >= b.length) {
            throw new InvalidTransactionException("no RLP item after the type prefix");
        }
        int h = b[at] & 0xff;
        if (h < 0x80) {
            return 1;
        }
        int shortBase = h < 0xc0 ? 0x80 : 0xc0;
        if (h - shortBase <= 55) {
            return 1L + (h - shortBase);
        }
        int lengthOfLength = h - shortBase - 55;
        if (at + lengthOfLength >= b.length) {
            throw new InvalidTransactionException("truncated RLP length");
        }
        long length = 0;
        for (int i = 1; i <= lengthOfLength; i++) {
            length = (length << 8) | (b[at + i] & 0xff);
        }
        return 1L + lengthOfLength + length;
    }

    /** Signed = a fee payer is named and none of its signatures is caver's empty one ([0x01, 0x, 0x]). */
    private static boolean feePayerSigned(AbstractFeeDelegatedTransaction fd) {
        String payer = fd.getFeePayer();
        if (payer == null || payer.equals("0x") || payer.isEmpty() || new BigInteger(payer.substring(2), 16).signum() == 0) {
            return false;
        }
        List<SignatureData> sigs = fd.getFeePayerSignatures();
        return sigs != null && !sigs.isEmpty()
                && sigs.stream().noneMatch(sig -> SignatureData.getEmptySignature().equals(sig));
    }

    /**
     * A legacy transaction does not carry its sender: it is recovered from the signature (EIP-155), as the node does;
     * so for the Ethereum envelope types (EIP-2930, EIP-1559 signing payloads). Every other type names its sender in
     * the RLP (its signature is checked by the node against the account's key, which is chain state).
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
        if (tx instanceof EthereumAccessList || tx instanceof EthereumDynamicFee) {
            // caver's recoverPublicKeys wants 32-byte r and s, but RLP drops leading zeros (the 0x7802 docs example
            // has a 31-byte s): recover over the EIP-2718 signing payload with web3j, r and s padded.
            List<SignatureData> sigs = tx.getSignatures();
            if (sigs.size() != 1) {
                throw new InvalidTransactionException(tx.getType() + " needs exactly one signature, has " + sigs.size());
            }
            SignatureData sig = sigs.get(0);
            try {
                int yParity = Numeric.toBigInt(sig.getV()).intValueExact();
                if (yParity > 1) {
                    throw new InvalidTransactionException(tx.getType() + " with signature v " + sig.getV() + " (must be 0 or 1)");
                }
                byte[] hash = Hash.sha3(Numeric.hexStringToByteArray(tx.getRLPEncodingForSignature()));
                BigInteger key = Sign.signedMessageHashToKey(hash, new Sign.SignatureData((byte) (27 + yParity),
                        Numeric.toBytesPadded(Numeric.toBigInt(sig.getR()), 32),
                        Numeric.toBytesPadded(Numeric.toBigInt(sig.getS()), 32)));
                return "0x" + Keys.getAddress(key);
            } catch (RuntimeException | java.security.SignatureException e) {
                throw new InvalidTransactionException(tx.getType() + " whose sender cannot be recovered (" + e.getMessage() + ")");
            }
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
