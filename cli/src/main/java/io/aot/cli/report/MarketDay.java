package io.aot.cli.report;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Region;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One market day as the report shows it, read from {@code aot_analytics} with one partition read per question: KRW
 * sales by hour, the payment-method mix, the top merchants, category x region sales, alerts.
 */
record MarketDay(LocalDate day, long[] paymentsByHour, BigInteger[] krwByHour, Map<String, Long> paymentsByMethod,
        List<TopMerchant> topMerchants, Map<String, Map<String, BigInteger>> krwByCategoryAndRegion,
        List<Alert> alerts) {

    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

    record TopMerchant(String merchantId, String category, String region, BigInteger grossKrw, long payments) {
    }

    record Alert(Instant raisedAt, String rule, String severity, String subjectType, String subjectId,
            String observed) {
    }

    long totalPayments() {
        long n = 0;
        for (long p : paymentsByHour) {
            n += p;
        }
        return n;
    }

    BigInteger totalKrw() {
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger k : krwByHour) {
            sum = sum.add(k);
        }
        return sum;
    }

    static MarketDay read(CqlSession session, String keyspace, LocalDate day, int topMerchants) {
        long[] payments = new long[24];
        BigInteger[] krw = new BigInteger[24];
        java.util.Arrays.fill(krw, BigInteger.ZERO);
        Map<String, Map<String, BigInteger>> heat = new TreeMap<>();
        PreparedStatement hourly = session.prepare("SELECT hour, currency, payment_count, gross_minor FROM " + keyspace
                + ".category_region_hourly WHERE merchant_category = ? AND region = ? AND day = ?");
        for (MerchantCategory c : MerchantCategory.values()) {
            for (Region r : Region.values()) {
                for (Row row : session.execute(hourly.bind(c.name(), r.name(), day))) {
                    int hour = row.getInstant(0).atZone(SEOUL).getHour();
                    payments[hour] += row.getLong(2);
                    if ("KRW".equals(row.getString(1))) {
                        krw[hour] = krw[hour].add(row.getBigInteger(3));
                        heat.computeIfAbsent(c.name(), k -> new TreeMap<>()).merge(r.name(), row.getBigInteger(3),
                                BigInteger::add);
                    }
                }
            }
        }
        Map<String, Long> methods = new TreeMap<>();
        List<TopMerchant> top = new ArrayList<>();
        PreparedStatement mix = session.prepare("SELECT method, payment_count FROM " + keyspace
                + ".method_share_daily WHERE region = ? AND day = ?");
        PreparedStatement best = session.prepare("SELECT merchant_id, merchant_category, gross_krw, payment_count FROM "
                + keyspace + ".top_merchants_by_region_day WHERE region = ? AND day = ?");
        for (Region r : Region.values()) {
            for (Row row : session.execute(mix.bind(r.name(), day))) {
                methods.merge(row.getString(0), row.getLong(1), Long::sum);
            }
            for (Row row : session.execute(best.bind(r.name(), day))) {
                top.add(new TopMerchant(row.getString(0), row.getString(1), r.name(), row.getBigInteger(2),
                        row.getLong(3)));
            }
        }
        // Each region's top K holds the market's top K among them: merge and cut.
        top.sort(Comparator.comparing(TopMerchant::grossKrw).reversed().thenComparing(TopMerchant::merchantId));
        List<Alert> alerts = new ArrayList<>();
        PreparedStatement alertsOfHour = session.prepare("SELECT raised_at, rule, severity, subject_type, subject_id, "
                + "observed FROM " + keyspace + ".alerts WHERE day = ? AND hour = ?");
        for (int hour = 23; hour >= 0; hour--) { // the table's partitions are Seoul hours; newest first
            for (Row row : session.execute(alertsOfHour.bind(day, hour))) {
                alerts.add(new Alert(row.getInstant(0), row.getString(1), row.getString(2), row.getString(3),
                        row.getString(4), row.getString(5)));
            }
        }
        Map<String, Long> sortedMethods = new LinkedHashMap<>();
        methods.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sortedMethods.put(e.getKey(), e.getValue()));
        return new MarketDay(day, payments, krw, sortedMethods, List.copyOf(top.subList(0,
                Math.min(topMerchants, top.size()))), heat, alerts);
    }
}
