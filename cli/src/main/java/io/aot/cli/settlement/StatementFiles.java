package io.aot.cli.settlement;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.aot.cli.settlement.SettlementStatement.DayTotal;
import io.aot.cli.settlement.SettlementStatement.Line;
import io.aot.cli.settlement.SettlementStatement.Total;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A statement as files: {@code totals.csv} (one row per settlement day, currency, merchant and acquirer),
 * {@code transactions.csv} (the committed payments and refunds behind them) and {@code statement.html}, a printable page
 * (A4, a day and currency per section) that states its day basis. Times are Asia/Seoul with the offset
 * ({@code 2026-11-23T23:59:59.900+09:00}); amounts are minor units.
 */
final class StatementFiles {

    static final String TOTALS_CSV = "totals.csv";
    static final String TRANSACTIONS_CSV = "transactions.csv";
    static final String HTML = "statement.html";

    static final List<String> TOTALS_COLUMNS = List.of("day", "currency", "merchant_id", "acquirer_id", "payment_count",
            "gross_minor", "refund_count", "refund_minor", "fee_minor", "net_minor", "as_of_height");
    static final List<String> TRANSACTION_COLUMNS = List.of("day", "currency", "merchant_id", "acquirer_id", "tx_id",
            "kind", "amount_minor", "paid_at", "committed_at", "height", "method", "terminal_id", "original_tx_id");

    /** The sentence every output carries: which day a transaction is settled on. */
    static final String DAY_BASIS = "Settlement day = the Asia/Seoul date on which the transaction was committed (the "
            + "block time), midnight cut-off: a payment made at 23:59:59.9 KST and committed after midnight is settled "
            + "on the next day (the market analytics of aot report count it on the day it was paid).";

    private static final DateTimeFormatter SEOUL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(SettlementStatement.SEOUL);

    private StatementFiles() {
    }

    static void write(SettlementStatement s, Path dir) throws IOException {
        Files.createDirectories(dir);
        // Quotes only where RFC 4180 needs them (separator, quote, line break): spreadsheets read either way.
        CsvMapper csv = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        try (SequenceWriter w = csv.writer(CsvSchema.emptySchema()).writeValues(dir.resolve(TOTALS_CSV).toFile())) {
            w.write(TOTALS_COLUMNS);
            for (Total t : s.totals()) {
                w.write(List.of(t.day().toString(), t.currency(), t.merchantId(), t.acquirerId(),
                        Long.toString(t.paymentCount()), t.grossMinor().toString(), Long.toString(t.refundCount()),
                        t.refundMinor().toString(), t.feeMinor().toString(), t.netMinor().toString(),
                        Long.toString(t.asOfHeight())));
            }
        }
        try (SequenceWriter w = csv.writer(CsvSchema.emptySchema())
                .writeValues(dir.resolve(TRANSACTIONS_CSV).toFile())) {
            w.write(TRANSACTION_COLUMNS);
            for (Line l : s.lines()) {
                w.write(java.util.Arrays.asList(l.day().toString(), l.currency(), l.merchantId(), or(l.acquirerId()),
                        l.txId(), l.kind(), l.amountMinor().toString(), time(l.paidAt()), time(l.committedAt()),
                        Long.toString(l.height()), or(l.method()), or(l.terminalId()), or(l.originalTxId())));
            }
        }
        Files.writeString(dir.resolve(HTML), html(s), StandardCharsets.UTF_8);
    }

    static String time(Instant at) {
        return at == null ? "" : SEOUL_TIME.format(at);
    }

    static String html(SettlementStatement s) {
        String period = s.from().equals(s.to()) ? s.from().toString() : s.from() + " to " + s.to();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>AOT settlement statement, ")
                .append(esc(s.party().describe())).append(", ").append(period).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;font-size:12px}")
                .append("table{border-collapse:collapse;margin:6px 0 18px;width:100%}")
                .append("td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}th{background:#eee}")
                .append("td.t,th.t{text-align:left}p.basis{border:1px solid #888;padding:6px 8px}")
                .append(".bad{color:#a00;font-weight:bold}")
                .append("@page{size:A4;margin:14mm}")
                .append("@media print{body{margin:0}section{break-inside:avoid-page}th{background:#eee !important;")
                .append("-webkit-print-color-adjust:exact;print-color-adjust:exact}}</style>\n</head><body>\n")
                .append("<h1>Settlement statement (정산 내역): ").append(esc(s.party().describe())).append("</h1>\n")
                .append("<p>Settlement days ").append(period).append(", as of chain height ").append(s.asOfHeight())
                .append(". Amounts in minor units (KRW: won; AOT: 10<sup>-18</sup> AOT). Gross = committed ")
                .append("payments, refunds = committed refunds (on the day the refund was committed), fee = merchant ")
                .append("discount fee, net = gross - refunds - fee.</p>\n")
                .append("<p class=\"basis\" id=\"day-basis\">").append(esc(DAY_BASIS)).append("</p>\n")
                .append("<p id=\"reconciliation\"").append(s.reconciled() ? ">" : " class=\"bad\">")
                .append(s.reconciled() ? "Every total equals the committed transactions listed under it."
                        : "NOT RECONCILED: " + s.findings().size() + " finding(s):").append("</p>\n");
        if (!s.reconciled()) {
            h.append("<ul class=\"bad\">");
            s.findings().forEach(f -> h.append("<li>").append(esc(f)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<h2>Summary by day and currency</h2>\n<table id=\"summary\"><tr><th class=\"t\">day</th>")
                .append("<th class=\"t\">currency</th><th>payments</th><th>gross</th><th>refunds</th>")
                .append("<th>refunded</th><th>fee</th><th>net</th></tr>\n");
        for (DayTotal d : s.dayTotals()) {
            h.append("<tr><td class=\"t\">").append(d.day()).append("</td><td class=\"t\">").append(esc(d.currency()))
                    .append("</td><td>").append(d.paymentCount()).append("</td><td>").append(n(d.grossMinor()))
                    .append("</td><td>").append(d.refundCount()).append("</td><td>").append(n(d.refundMinor()))
                    .append("</td><td>").append(n(d.feeMinor())).append("</td><td>").append(n(d.netMinor()))
                    .append("</td></tr>\n");
        }
        if (s.totals().isEmpty()) {
            h.append("<tr><td class=\"t\" colspan=\"8\">no settled sales</td></tr>\n");
        }
        h.append("</table>\n");
        for (Total t : s.totals()) {
            h.append("<section><h3>").append(t.day()).append(" ").append(esc(t.currency())).append(": merchant ")
                    .append(esc(t.merchantId())).append(", acquirer ").append(esc(t.acquirerId())).append("</h3>\n")
                    .append("<table class=\"total\"><tr><th>payments</th><th>gross</th><th>refunds</th>")
                    .append("<th>refunded</th><th>fee</th><th>net</th><th>as of height</th></tr>\n<tr><td>")
                    .append(t.paymentCount()).append("</td><td>").append(n(t.grossMinor())).append("</td><td>")
                    .append(t.refundCount()).append("</td><td>").append(n(t.refundMinor())).append("</td><td>")
                    .append(n(t.feeMinor())).append("</td><td>").append(n(t.netMinor())).append("</td><td>")
                    .append(t.asOfHeight()).append("</td></tr></table>\n")
                    .append("<table class=\"transactions\"><tr><th class=\"t\">transaction</th><th class=\"t\">kind")
                    .append("</th><th>amount</th><th class=\"t\">paid at (KST)</th><th class=\"t\">committed at ")
                    .append("(KST)</th><th>height</th><th class=\"t\">method</th><th class=\"t\">terminal</th>")
                    .append("<th class=\"t\">original</th></tr>\n");
            for (Line l : s.linesOf(t)) {
                h.append("<tr><td class=\"t\">").append(esc(l.txId())).append("</td><td class=\"t\">")
                        .append(esc(l.kind())).append("</td><td>").append(n(l.amountMinor())).append("</td>")
                        .append("<td class=\"t\">").append(time(l.paidAt())).append("</td><td class=\"t\">")
                        .append(time(l.committedAt())).append("</td><td>").append(l.height()).append("</td>")
                        .append("<td class=\"t\">").append(esc(l.method())).append("</td><td class=\"t\">")
                        .append(esc(l.terminalId())).append("</td><td class=\"t\">").append(esc(l.originalTxId()))
                        .append("</td></tr>\n");
            }
            h.append("</table></section>\n");
        }
        h.append("<p>Source: Cassandra aot_ledger daily_settlement_by_")
                .append(s.party().kind() == SettlementStatement.PartyKind.MERCHANT ? "merchant" : "acquirer")
                .append(", transactions_by_merchant_day, transactions_by_id (written by LedgerStoreJob from the ")
                .append("committed chain).</p>\n</body></html>\n");
        return h.toString();
    }

    private static String n(BigInteger v) {
        return String.format("%,d", v);
    }

    private static String or(String s) {
        return s == null ? "" : s;
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
