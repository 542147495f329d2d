package io.aot.ledger.terminal;

import io.aot.avro.TerminalPayment;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;

/**
 * What a terminal's device key signs (docs/terminal-signing.md): a domain tag, then every field of the payment
 * except the signature itself and the gateway's receipt time, in schema order. Strings as a 4-byte length and UTF-8,
 * absent optional values as an empty string (or -1 / empty bytes), numbers as decimal text (amounts exceed 64 bits),
 * enums by name. The gateway, the simulator, the Flink validator and {@code aot audit} all use this one function.
 */
public final class TerminalSigning {

    public static final String DOMAIN = "aot/terminal-payment/v1";

    private TerminalSigning() {
    }

    public static byte[] signBytes(TerminalPayment p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            BigInteger amount = p.getAmount().getAmountMinor().toBigIntegerExact();
            String[] fields = {DOMAIN, p.getTxId(), p.getKind().name(), p.getTerminalId(),
                Long.toString(p.getTerminalSequence()), p.getMerchantId(), p.getMerchantCategory().name(),
                p.getRegion().name(), p.getAcquirerId(), p.getMethod().name(), p.getWalletProvider().name(),
                amount.toString(), p.getAmount().getCurrency().name(), p.getCustomerToken(),
                nullable(p.getCustomerWallet()), nullable(p.getOriginalTxId()), nullable(p.getPointCompanyId()),
                nullable(p.getApprovalCode()), Integer.toString(p.getInstallmentMonths()),
                Long.toString(p.getCreatedAtMillis().toEpochMilli()), p.getKeyId(), p.getSignatureAlgorithm().name()};
            for (String f : fields) {
                byte[] b = f.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            byte[] customerSignature = new byte[0];
            if (p.getCustomerSignature() != null) {
                var buf = p.getCustomerSignature().duplicate();
                customerSignature = new byte[buf.remaining()];
                buf.get(customerSignature);
            }
            out.writeInt(customerSignature.length);
            out.write(customerSignature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount is not an integer number of minor units", e);
        }
        return bytes.toByteArray();
    }

    private static String nullable(String s) {
        return s == null ? "" : s;
    }
}
