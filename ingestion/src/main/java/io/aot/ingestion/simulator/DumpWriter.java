package io.aot.ingestion.simulator;

import io.aot.avro.TerminalPayment;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** {@code --dump}: every generated record as one JSON line, for offline checking of what the pipeline did. */
public final class DumpWriter implements AutoCloseable {

    private final BufferedWriter out;

    public DumpWriter(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    public void write(PaymentSimulator.SimulatedTx tx) throws IOException {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "index", Long.toString(tx.index()), false);
        field(sb, "kind", tx.kind().name(), true);
        field(sb, "key", tx.key(), true);
        TerminalPayment p = tx.payment();
        if (p != null) {
            field(sb, "txId", p.getTxId(), true);
            field(sb, "type", p.getKind().name(), true);
            field(sb, "terminalId", p.getTerminalId(), true);
            field(sb, "sequence", Long.toString(p.getTerminalSequence()), false);
            field(sb, "merchantId", p.getMerchantId(), true);
            field(sb, "category", p.getMerchantCategory().name(), true);
            field(sb, "region", p.getRegion().name(), true);
            field(sb, "acquirerId", p.getAcquirerId(), true);
            field(sb, "method", p.getMethod().name(), true);
            field(sb, "walletProvider", p.getWalletProvider().name(), true);
            field(sb, "amountMinor", p.getAmount().getAmountMinor().toPlainString(), true);
            field(sb, "currency", p.getAmount().getCurrency().name(), true);
            field(sb, "customerToken", p.getCustomerToken(), true);
            if (p.getOriginalTxId() != null) {
                field(sb, "originalTxId", p.getOriginalTxId(), true);
            }
            field(sb, "createdAt", p.getCreatedAtMillis().toString(), true);
        } else {
            field(sb, "bytesHex", HexFormat.of().formatHex(tx.value()), true);
        }
        sb.setLength(sb.length() - 1);
        out.write(sb.append("}\n").toString());
    }

    private static void field(StringBuilder sb, String name, String value, boolean quoted) {
        sb.append('"').append(name).append("\":");
        if (quoted) {
            sb.append('"');
            for (char c : value.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        } else {
            sb.append(value);
        }
        sb.append(',');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
