package io.aot.cli.settlement;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.jobs.store.LedgerTableRows;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A settlement statement (정산 내역): for a merchant over a range of days, or for an acquirer on one day, the daily
 * totals of {@code daily_settlement_by_merchant} / {@code _by_acquirer} (gross, refunds, fee, net per settlement day,
 * currency and counterparty) with the committed transactions behind each total, read from
 * {@code transactions_by_merchant_day} and {@code transactions_by_id}, and checked against each other
 * ({@link #findings}).
 *
 * <p>Day basis: the settlement day is the Asia/Seoul date of <em>commit</em> (the block time), midnight cut-off, as
 * LedgerStoreJob keys the tables; a payment made at 23:59:59.9 KST and committed after midnight is on the next day's
 * statement (analytics count it on the day it was paid: docs/ledger-jobs.md, "Two day bases"). Amounts are exact
 * integers in minor units (KRW: won; AOT: 10^-18 AOT).
 */
public record SettlementStatement(Party party, LocalDate from, LocalDate to, List<Total> totals, List<Line> lines,
        List<String> findings) {

    public static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

    /** Seconds of one {@code IN} list: 86,400 second partitions of a day read in a few hundred requests at most. */
    private static final int SECONDS_PER_REQUEST = 400;

    public enum PartyKind { MERCHANT, ACQUIRER }

    /** Whose statement: a merchant's (its acquirers are the counterparties) or an acquirer's (its merchants). */
    public record Party(PartyKind kind, String id) {
        public String describe() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
        }
    }

    /** One row of a settlement table: what {@code acquirerId} owes {@code merchantId} for a day, in one currency. */
    public record Total(LocalDate day, String currency, String merchantId, String acquirerId, long paymentCount,
            BigInteger grossMinor, long refundCount, BigInteger refundMinor, BigInteger feeMinor, BigInteger netMinor,
            long asOfHeight) {
    }

    /** A committed (result OK) payment or refund behind a total. */
    public record Line(LocalDate day, String currency, String merchantId, String acquirerId, String txId, String kind,
            BigInteger amountMinor, Instant paidAt, Instant committedAt, long height, String method, String terminalId,
            String originalTxId) {
    }

    /** The totals of a settlement day and currency, over every counterparty. */
    public record DayTotal(LocalDate day, String currency, long paymentCount, BigInteger grossMinor, long refundCount,
            BigInteger refundMinor, BigInteger feeMinor, BigInteger netMinor) {
    }

    public boolean reconciled() {
        return findings.isEmpty();
    }

    /** The highest chain height any total includes (0 when there is none). */
    public long asOfHeight() {
        return totals.stream().mapToLong(Total::asOfHeight).max().orElse(0);
    }

    /** Per settlement day and currency, summed over counterparties, in day then currency order. */
    public List<DayTotal> dayTotals() {
        Map<String, DayTotal> sums = new TreeMap<>();
        for (Total t : totals) {
            sums.merge(t.day() + "|" + t.currency(), new DayTotal(t.day(), t.currency(), t.paymentCount(),
                    t.grossMinor(), t.refundCount(), t.refundMinor(), t.feeMinor(), t.netMinor()),
                    (a, b) -> new DayTotal(a.day(), a.currency(), a.paymentCount() + b.paymentCount(),
                            a.grossMinor().add(b.grossMinor()), a.refundCount() + b.refundCount(),
                            a.refundMinor().add(b.refundMinor()), a.feeMinor().add(b.feeMinor()),
                            a.netMinor().add(b.netMinor())));
        }
        return List.copyOf(sums.values());
    }

    /** The transactions behind one total. */
    public List<Line> linesOf(Total t) {
        return lines.stream().filter(l -> key(l.day(), l.currency(), l.merchantId(), l.acquirerId())
                .equals(key(t.day(), t.currency(), t.merchantId(), t.acquirerId()))).toList();
    }

    /**
     * Reads a statement. For a merchant, {@code from..to} (at most {@link #MAX_DAYS} days); for an acquirer, one day
     * ({@code from == to}).
     *
     * @throws com.datastax.oss.driver.api.core.DriverException when Cassandra cannot answer
     */
    public static SettlementStatement read(CqlSession session, String keyspace, Party party, LocalDate from,
            LocalDate to) {
        List<Total> totals = party.kind() == PartyKind.MERCHANT
                ? merchantTotals(session, keyspace, party.id(), from, to)
                : acquirerTotals(session, keyspace, party.id(), from);
        TransactionReader reader = new TransactionReader(session, keyspace);
        List<Line> lines = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            TreeSet<Integer> seconds = reader.secondsWithTransactions(day);
            TreeSet<String> merchants = new TreeSet<>();
            if (party.kind() == PartyKind.MERCHANT) {
                merchants.add(party.id());
            } else {
                LocalDate d = day;
                totals.stream().filter(t -> t.day().equals(d)).forEach(t -> merchants.add(t.merchantId()));
            }
            for (String merchant : merchants) {
                for (Line l : reader.settledTransactions(merchant, day, seconds)) {
                    if (party.kind() == PartyKind.MERCHANT || party.id().equals(l.acquirerId())) {
                        lines.add(l);
                    }
                }
            }
        }
        lines.sort(Comparator.comparing(Line::day).thenComparing(Line::currency).thenComparing(Line::merchantId)
                .thenComparing(Line::acquirerId, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Line::committedAt).thenComparing(Line::txId));
        return new SettlementStatement(party, from, to, List.copyOf(totals), List.copyOf(lines),
                reconcile(totals, lines));
    }

    /** At most this many days per merchant statement (one year of settlement days). */
    public static final int MAX_DAYS = 366;

    /**
     * Every total must equal its transactions (count and sum of payments and of refunds), net must be gross - refunds
     * - fee, and no listed transaction may lack its total; each disagreement is one finding. A day still being
     * written (the store job writes totals once per second of chain time and each table in its own task) can
     * disagree for a moment: read it again once the chain has passed it.
     */
    static List<String> reconcile(List<Total> totals, List<Line> lines) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, BigInteger[]> sums = new HashMap<>();
        for (Line l : lines) {
            String k = key(l.day(), l.currency(), l.merchantId(), l.acquirerId());
            int i = "PAYMENT".equals(l.kind()) ? 0 : 1;
            counts.computeIfAbsent(k, x -> new long[2])[i]++;
            BigInteger[] s = sums.computeIfAbsent(k, x -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            s[i] = s[i].add(l.amountMinor());
        }
        List<String> findings = new ArrayList<>();
        Map<String, Total> byKey = new LinkedHashMap<>();
        for (Total t : totals) {
            String k = key(t.day(), t.currency(), t.merchantId(), t.acquirerId());
            byKey.put(k, t);
            long[] c = counts.getOrDefault(k, new long[2]);
            BigInteger[] s = sums.getOrDefault(k, new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            if (c[0] != t.paymentCount() || !s[0].equals(t.grossMinor())) {
                findings.add(k + ": gross " + t.paymentCount() + " payments " + t.grossMinor() + " but the transactions"
                        + " list " + c[0] + " payments " + s[0]);
            }
            if (c[1] != t.refundCount() || !s[1].equals(t.refundMinor())) {
                findings.add(k + ": refunds " + t.refundCount() + " refunds " + t.refundMinor() + " but the "
                        + "transactions list " + c[1] + " refunds " + s[1]);
            }
            if (!t.netMinor().equals(t.grossMinor().subtract(t.refundMinor()).subtract(t.feeMinor()))) {
                findings.add(k + ": net " + t.netMinor() + " is not gross - refunds - fee");
            }
        }
        counts.keySet().stream().filter(k -> !byKey.containsKey(k)).sorted()
                .forEach(k -> findings.add(k + ": transactions without a settlement total"));
        return List.copyOf(findings);
    }

    private static String key(LocalDate day, String currency, String merchant, String acquirer) {
        return day + " " + currency + " merchant " + merchant + " acquirer " + acquirer;
    }

    private static List<Total> merchantTotals(CqlSession s, String ks, String merchant, LocalDate from, LocalDate to) {
        PreparedStatement q = s.prepare("SELECT day, acquirer_id, currency, payment_count, gross_minor, refund_count, "
                + "refund_minor, fee_minor, net_minor, as_of_height FROM " + ks + ".daily_settlement_by_merchant WHERE "
                + "merchant_id = ? AND year = ? AND day >= ? AND day <= ?");
        List<Total> out = new ArrayList<>();
        for (int year = from.getYear(); year <= to.getYear(); year++) { // the table's partitions are years
            for (Row r : s.execute(q.bind(merchant, year, from, to))) {
                out.add(new Total(r.getLocalDate(0), r.getString(2), merchant, r.getString(1), r.getLong(3),
                        r.getBigInteger(4), r.getLong(5), r.getBigInteger(6), r.getBigInteger(7), r.getBigInteger(8),
                        r.getLong(9)));
            }
        }
        out.sort(Comparator.comparing(Total::day).thenComparing(Total::currency).thenComparing(Total::acquirerId));
        return out;
    }

    private static List<Total> acquirerTotals(CqlSession s, String ks, String acquirer, LocalDate day) {
        PreparedStatement q = s.prepare("SELECT merchant_id, currency, payment_count, gross_minor, refund_count, "
                + "refund_minor, fee_minor, net_minor, as_of_height FROM " + ks + ".daily_settlement_by_acquirer WHERE "
                + "acquirer_id = ? AND day = ? AND merchant_shard = ?");
        List<CompletionStage<List<Total>>> shards = new ArrayList<>();
        for (int shard = 0; shard < LedgerTableRows.MERCHANT_SHARDS; shard++) { // an acquirer's day is its shards
            shards.add(s.executeAsync(q.bind(acquirer, day, shard)).thenCompose(rs -> collect(rs, new ArrayList<>(),
                    r -> new Total(day, r.getString(1), r.getString(0), acquirer, r.getLong(2), r.getBigInteger(3),
                            r.getLong(4), r.getBigInteger(5), r.getBigInteger(6), r.getBigInteger(7), r.getLong(8)))));
        }
        List<Total> out = new ArrayList<>();
        shards.forEach(f -> out.addAll(join(f)));
        out.sort(Comparator.comparing(Total::currency).thenComparing(Total::merchantId));
        return out;
    }

    /** Reads the rows of every page of an async result. */
    static <T> CompletionStage<List<T>> collect(AsyncResultSet rs, List<T> into,
            java.util.function.Function<Row, T> row) {
        rs.currentPage().forEach(r -> into.add(row.apply(r)));
        return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> collect(next, into, row))
                : CompletableFuture.completedFuture(into);
    }

    static <T> T join(CompletionStage<T> f) {
        try {
            return f.toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the driver's own exception, with its message
            }
            throw e;
        }
    }

    /** Reads a merchant's committed transactions of a settlement day, second partition by second partition. */
    private static final class TransactionReader {
        private final CqlSession session;
        private final PreparedStatement blocksOfHour;
        private final PreparedStatement bySeconds;
        private final PreparedStatement byId;

        TransactionReader(CqlSession session, String ks) {
            this.session = session;
            blocksOfHour = session.prepare("SELECT block_time, tx_count FROM " + ks + ".blocks_by_day WHERE day = ? "
                    + "AND hour = ?");
            bySeconds = session.prepare("SELECT tx_id, kind, result_code, currency, amount_minor, event_time, "
                    + "block_time, height, method, terminal_id FROM " + ks + ".transactions_by_merchant_day WHERE "
                    + "merchant_id = ? AND day = ? AND second_of_day IN ?");
            byId = session.prepare("SELECT acquirer_id, original_tx_id FROM " + ks + ".transactions_by_id WHERE "
                    + "tx_id = ?");
        }

        /**
         * The Seoul seconds of the day in which a block with transactions was committed: only these second
         * partitions of {@code transactions_by_merchant_day} can hold rows (on a busy chain, every second).
         */
        TreeSet<Integer> secondsWithTransactions(LocalDate day) {
            List<CompletionStage<List<Integer>>> hours = new ArrayList<>();
            for (int hour = 0; hour < 24; hour++) {
                hours.add(session.executeAsync(blocksOfHour.bind(day, hour)).thenCompose(rs -> collect(rs,
                        new ArrayList<>(), r -> r.getInt(1) > 0 ? LedgerTableRows.secondOfDay(r.getInstant(0)) : -1)));
            }
            TreeSet<Integer> seconds = new TreeSet<>();
            hours.forEach(h -> join(h).stream().filter(x -> x >= 0).forEach(seconds::add));
            return seconds;
        }

        /** The merchant's committed (result OK) payments and refunds of the day, with acquirer and original. */
        List<Line> settledTransactions(String merchant, LocalDate day, TreeSet<Integer> seconds) {
            List<Integer> all = new ArrayList<>(seconds);
            List<CompletionStage<List<Row>>> parts = new ArrayList<>();
            for (int i = 0; i < all.size(); i += SECONDS_PER_REQUEST) {
                List<Integer> chunk = all.subList(i, Math.min(all.size(), i + SECONDS_PER_REQUEST));
                parts.add(session.executeAsync(bySeconds.bind(merchant, day, chunk))
                        .thenCompose(rs -> collect(rs, new ArrayList<>(), r -> r)));
            }
            List<Row> rows = new ArrayList<>();
            parts.forEach(p -> rows.addAll(join(p)));
            List<Row> settled = rows.stream().filter(r -> "OK".equals(r.getString(2))
                    && ("PAYMENT".equals(r.getString(1)) || "REFUND".equals(r.getString(1)))).toList();
            List<CompletionStage<Row>> ids = settled.stream().map(r -> session.executeAsync(byId.bind(r.getString(0)))
                    .thenApply(AsyncResultSet::one)).toList();
            List<Line> out = new ArrayList<>();
            for (int i = 0; i < settled.size(); i++) {
                Row r = settled.get(i);
                Row id = join(ids.get(i));
                out.add(new Line(day, r.getString(3), merchant, id == null ? null : id.getString(0), r.getString(0),
                        r.getString(1), r.getBigInteger(4), r.getInstant(5), r.getInstant(6), r.getLong(7),
                        r.getString(8), r.getString(9), id == null ? null : id.getString(1)));
            }
            return out;
        }
    }
}
