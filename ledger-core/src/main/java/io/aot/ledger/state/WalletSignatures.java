package io.aot.ledger.state;

import io.aot.avro.TerminalPayment;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What a customer's AOT wallet signs (Ed25519) to let its funds move: an AOT coin payment or a point swap. Domain tag,
 * then each field as a 4-byte length and its UTF-8 bytes: tx id, kind, merchant, currency, amount in minor units,
 * wallet, point company (empty if none). The terminal cannot change any of them without the wallet.
 */
public final class WalletSignatures {

    private WalletSignatures() {
    }

    public static byte[] signBytes(TerminalPayment p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String field : new String[] {"aot/wallet-authorization/v1", p.getTxId(), p.getKind().name(),
                p.getMerchantId(), p.getAmount().getCurrency().name(),
                p.getAmount().getAmountMinor().toBigIntegerExact().toString(), String.valueOf(p.getCustomerWallet()),
                p.getPointCompanyId() == null ? "" : p.getPointCompanyId()}) {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
