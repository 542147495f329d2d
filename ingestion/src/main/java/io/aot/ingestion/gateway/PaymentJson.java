package io.aot.ingestion.gateway;

import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The JSON body of {@code POST /v1/payments} (docs/gateway.md): the {@link TerminalPayment} fields by their Avro
 * names, amounts as decimal strings of minor units (they exceed both 64 bits and a JSON number's safe range),
 * timestamps as epoch milliseconds, byte fields as standard base64. Parsing is strict: an unknown field, a missing
 * one or a wrong type is a {@link GatewayError} with a code naming the field, never a guess.
 */
public final class PaymentJson {

    static final Set<String> FIELDS = Set.of("txId", "kind", "terminalId", "terminalSequence", "merchantId",
            "merchantCategory", "region", "acquirerId", "method", "walletProvider", "amount", "customerToken",
            "customerWallet", "customerSignature", "originalTxId", "pointCompanyId", "approvalCode",
            "installmentMonths", "createdAtMillis", "keyId", "signatureAlgorithm", "signature");
    private static final int MAX_AMOUNT_DIGITS = 38; // the Avro decimal's precision
    private static final int MAX_STRING_CHARS = 256;

    private PaymentJson() {
    }

    /** The request body as a payment, or a 400 {@link GatewayError} saying what is wrong with which field. */
    public static TerminalPayment parse(JsonObject body) {
        for (String name : body.fieldNames()) {
            if (!FIELDS.contains(name)) {
                throw GatewayError.badRequest("UNKNOWN_FIELD", "unknown field '" + name + "'");
            }
        }
        JsonObject amount = object(body, "amount");
        for (String name : amount.fieldNames()) {
            if (!name.equals("minor") && !name.equals("currency")) {
                throw GatewayError.badRequest("UNKNOWN_FIELD", "unknown field 'amount." + name + "'");
            }
        }
        return TerminalPayment.newBuilder()
                .setTxId(string(body, "txId"))
                .setKind(enumValue(body, "kind", TransactionKind.class))
                .setTerminalId(string(body, "terminalId"))
                .setTerminalSequence(longValue(body, "terminalSequence"))
                .setMerchantId(string(body, "merchantId"))
                .setMerchantCategory(enumValue(body, "merchantCategory", MerchantCategory.class))
                .setRegion(enumValue(body, "region", Region.class))
                .setAcquirerId(string(body, "acquirerId"))
                .setMethod(enumValue(body, "method", PaymentMethod.class))
                .setWalletProvider(enumValue(body, "walletProvider", io.aot.avro.WalletProvider.class))
                .setAmount(new Money(new BigDecimal(minorUnits(amount)),
                        enumValue(amount, "currency", Currency.class, "amount.currency")))
                .setCustomerToken(string(body, "customerToken"))
                .setCustomerWallet(optionalString(body, "customerWallet"))
                .setCustomerSignature(optionalBytes(body, "customerSignature"))
                .setOriginalTxId(optionalString(body, "originalTxId"))
                .setPointCompanyId(optionalString(body, "pointCompanyId"))
                .setApprovalCode(optionalString(body, "approvalCode"))
                .setInstallmentMonths(installments(body))
                .setCreatedAtMillis(Instant.ofEpochMilli(longValue(body, "createdAtMillis")))
                .setKeyId(string(body, "keyId"))
                .setSignatureAlgorithm(enumValue(body, "signatureAlgorithm", SignatureAlgorithm.class))
                .setSignature(ByteBuffer.wrap(bytes(body, "signature")))
                .setReceivedAtMillis(null)
                .build();
    }

    /** The body a terminal sends for this payment (what the simulator and the tests post). */
    public static JsonObject toJson(TerminalPayment p) {
        JsonObject o = new JsonObject()
                .put("txId", p.getTxId())
                .put("kind", p.getKind().name())
                .put("terminalId", p.getTerminalId())
                .put("terminalSequence", p.getTerminalSequence())
                .put("merchantId", p.getMerchantId())
                .put("merchantCategory", p.getMerchantCategory().name())
                .put("region", p.getRegion().name())
                .put("acquirerId", p.getAcquirerId())
                .put("method", p.getMethod().name())
                .put("walletProvider", p.getWalletProvider().name())
                .put("amount", new JsonObject()
                        .put("minor", p.getAmount().getAmountMinor().toBigIntegerExact().toString())
                        .put("currency", p.getAmount().getCurrency().name()))
                .put("customerToken", p.getCustomerToken())
                .put("installmentMonths", p.getInstallmentMonths())
                .put("createdAtMillis", p.getCreatedAtMillis().toEpochMilli())
                .put("keyId", p.getKeyId())
                .put("signatureAlgorithm", p.getSignatureAlgorithm().name())
                .put("signature", base64(p.getSignature()));
        putIfPresent(o, "customerWallet", p.getCustomerWallet());
        putIfPresent(o, "originalTxId", p.getOriginalTxId());
        putIfPresent(o, "pointCompanyId", p.getPointCompanyId());
        putIfPresent(o, "approvalCode", p.getApprovalCode());
        if (p.getCustomerSignature() != null) {
            o.put("customerSignature", base64(p.getCustomerSignature()));
        }
        return o;
    }

    private static void putIfPresent(JsonObject o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static String base64(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return Base64.getEncoder().encodeToString(out);
    }

    private static Object required(JsonObject o, String name) {
        Object v = o.getValue(name);
        if (v == null) {
            throw GatewayError.badRequest("MISSING_FIELD", "missing field '" + name + "'");
        }
        return v;
    }

    private static JsonObject object(JsonObject o, String name) {
        Object v = required(o, name);
        if (!(v instanceof JsonObject j)) {
            throw wrongType(name, "an object");
        }
        return j;
    }

    private static String string(JsonObject o, String name) {
        Object v = required(o, name);
        if (!(v instanceof String s)) {
            throw wrongType(name, "a string");
        }
        if (s.isEmpty() || s.length() > MAX_STRING_CHARS) {
            throw GatewayError.badRequest("INVALID_FIELD", "'" + name + "' must have 1.." + MAX_STRING_CHARS + " characters");
        }
        return s;
    }

    private static String optionalString(JsonObject o, String name) {
        return o.getValue(name) == null ? null : string(o, name);
    }

    private static long longValue(JsonObject o, String name) {
        Object v = required(o, name);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger || v instanceof BigDecimal || v instanceof Double || v instanceof Float) {
            throw GatewayError.badRequest("INVALID_FIELD", "'" + name + "' must be an integer within 64 bits");
        }
        throw wrongType(name, "an integer");
    }

    private static int installments(JsonObject o) {
        long months = o.getValue("installmentMonths") == null ? 0 : longValue(o, "installmentMonths");
        if (months < 0 || months > 36) {
            throw GatewayError.badRequest("INVALID_FIELD", "'installmentMonths' must be within 0..36");
        }
        return (int) months;
    }

    private static BigInteger minorUnits(JsonObject amount) {
        Object v = required(amount, "minor");
        if (!(v instanceof String s)) {
            throw wrongType("amount.minor", "a decimal string of minor units (amounts exceed a JSON number's range)");
        }
        if (s.startsWith("-")) {
            throw GatewayError.badRequest("NEGATIVE_AMOUNT", "'amount.minor' must not be negative: " + s);
        }
        if (!s.matches("[0-9]{1,64}")) {
            throw GatewayError.badRequest("INVALID_AMOUNT", "'amount.minor' must be decimal digits only");
        }
        BigInteger minor = new BigInteger(s);
        if (minor.toString().length() > MAX_AMOUNT_DIGITS) {
            throw GatewayError.badRequest("AMOUNT_OUT_OF_RANGE", "'amount.minor' has more than " + MAX_AMOUNT_DIGITS + " digits");
        }
        if (minor.signum() == 0) {
            throw GatewayError.badRequest("ZERO_AMOUNT", "'amount.minor' must be positive");
        }
        return minor;
    }

    private static <E extends Enum<E>> E enumValue(JsonObject o, String name, Class<E> type) {
        return enumValue(o, name, type, name);
    }

    private static <E extends Enum<E>> E enumValue(JsonObject o, String name, Class<E> type, String label) {
        Object v = required(o, name);
        if (!(v instanceof String s)) {
            throw wrongType(label, "a string");
        }
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            String code = type == Currency.class ? "UNKNOWN_CURRENCY" : "INVALID_FIELD";
            throw GatewayError.badRequest(code, "'" + label + "' is not a known " + type.getSimpleName() + ": " + s);
        }
    }

    private static byte[] bytes(JsonObject o, String name) {
        Object v = required(o, name);
        if (!(v instanceof String s)) {
            throw wrongType(name, "a base64 string");
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw GatewayError.badRequest("INVALID_FIELD", "'" + name + "' is not base64");
        }
    }

    private static ByteBuffer optionalBytes(JsonObject o, String name) {
        return o.getValue(name) == null ? null : ByteBuffer.wrap(bytes(o, name));
    }

    private static GatewayError wrongType(String name, String expected) {
        return GatewayError.badRequest("WRONG_TYPE", "'" + name + "' must be " + expected);
    }
}
