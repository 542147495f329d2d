package io.aot.cli.report;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.cli.connect.CassandraConsistency;
import io.aot.cli.connect.CassandraSessions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aot report}: one market day from {@code aot_analytics} as a self-contained HTML page (charts inlined as PNG
 * data, tables with the figures) plus the charts as PNG files.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render the market analytics report of a day: HTML with charts (sales by hour, method mix, top",
            "merchants, category x region heatmap, alerts) and the charts as PNG files."})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--day", description = "Seoul calendar day, YYYY-MM-DD (default: today in Seoul).")
    LocalDate day;

    @Option(names = "--out", defaultValue = "report", description = "Directory for report.html and the PNGs.")
    Path out;

    @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1")
    String datacenter;

    @Option(names = "--keyspace", defaultValue = "aot_analytics")
    String keyspace;

    @Mixin
    CassandraConsistency consistency;

    @Option(names = "--top", defaultValue = "10", description = "Merchants in the top list.")
    int top;

    @Override
    public Integer call() throws Exception {
        if (!keyspace.matches("[a-z][a-z0-9_]{0,47}") || top < 1 || top > 100) {
            System.err.println("aot report: --keyspace [a-z][a-z0-9_]* and --top 1..100");
            return 2;
        }
        LocalDate d = day != null ? day : LocalDate.now(MarketDay.SEOUL);
        MarketDay market;
        try (CqlSession session = CassandraSessions.open(cassandra, datacenter, consistency.level())) {
            market = MarketDay.read(session, keyspace, d, top);
        }
        Files.createDirectories(out);
        Map<String, BufferedImage> charts = charts(market);
        for (Map.Entry<String, BufferedImage> chart : charts.entrySet()) {
            ImageIO.write(chart.getValue(), "png", out.resolve(chart.getKey() + ".png").toFile());
        }
        Path html = out.resolve("report.html");
        Files.writeString(html, html(market, charts), StandardCharsets.UTF_8);
        System.out.printf("%s: %,d payments, %,d KRW, %d alerts -> %s (+ %d PNG charts)%n", d, market.totalPayments(),
                market.totalKrw(), market.alerts().size(), html.toAbsolutePath(), charts.size());
        return market.totalPayments() == 0 ? 1 : 0;
    }

    static Map<String, BufferedImage> charts(MarketDay m) {
        Map<String, BufferedImage> charts = new LinkedHashMap<>();
        List<String> hours = new ArrayList<>();
        double[] krw = new double[24];
        for (int h = 0; h < 24; h++) {
            hours.add(String.format("%02d", h));
            krw[h] = m.krwByHour()[h].doubleValue();
        }
        charts.put("sales_by_hour", Charts.columns("KRW sales by hour (Seoul), " + m.day(), hours, krw, "KRW"));
        charts.put("method_mix", Charts.bars("Payments by method, " + m.day(), new ArrayList<>(m.paymentsByMethod()
                .keySet()), m.paymentsByMethod().values().stream().mapToDouble(Long::doubleValue).toArray(), ""));
        charts.put("top_merchants", Charts.bars("Top merchants by KRW sales, " + m.day(), m.topMerchants().stream()
                .map(t -> t.merchantId() + " " + t.category() + " " + t.region()).toList(), m.topMerchants().stream()
                .mapToDouble(t -> t.grossKrw().doubleValue()).toArray(), "KRW"));
        List<String> categories = new ArrayList<>(m.krwByCategoryAndRegion().keySet());
        TreeSet<String> regionSet = new TreeSet<>();
        m.krwByCategoryAndRegion().values().forEach(r -> regionSet.addAll(r.keySet()));
        List<String> regions = new ArrayList<>(regionSet);
        double[][] cells = new double[categories.size()][regions.size()];
        for (int i = 0; i < categories.size(); i++) {
            for (int j = 0; j < regions.size(); j++) {
                cells[i][j] = m.krwByCategoryAndRegion().get(categories.get(i))
                        .getOrDefault(regions.get(j), BigInteger.ZERO).doubleValue();
            }
        }
        charts.put("region_heatmap", Charts.heatmap("KRW sales by category and region, " + m.day(), categories,
                regions, cells, "KRW"));
        Map<String, Long> byRule = new TreeMap<>();
        m.alerts().forEach(a -> byRule.merge(a.rule(), 1L, Long::sum));
        charts.put("alerts_by_rule", Charts.bars("Alerts by rule, " + m.day(), new ArrayList<>(byRule.keySet()),
                byRule.values().stream().mapToDouble(Long::doubleValue).toArray(), ""));
        return charts;
    }

    static String html(MarketDay m, Map<String, BufferedImage> charts) throws java.io.IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>AOT market report ")
                .append(m.day()).append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;"
                        + "padding:4px 8px;text-align:right}th{background:#f3f3f3}td.t{text-align:left}"
                        + "img{display:block;max-width:100%;margin:8px 0 24px;border:1px solid #eee}</style>\n")
                .append("</head><body>\n<h1>AOT market report: ").append(m.day()).append(" (Asia/Seoul)</h1>\n")
                .append("<p id=\"totals\">").append(String.format("%,d", m.totalPayments())).append(" payments, ")
                .append(String.format("%,d", m.totalKrw())).append(" KRW in card, phone-wallet and QR sales, ")
                .append(m.alerts().size()).append(" alerts. Source: Cassandra <code>aot_analytics</code>, ")
                .append("event time = payment time.</p>\n");
        for (Map.Entry<String, BufferedImage> chart : charts.entrySet()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(chart.getValue(), "png", png);
            h.append("<img id=\"").append(chart.getKey()).append("\" alt=\"").append(chart.getKey())
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\">\n");
            if (chart.getKey().equals("top_merchants")) {
                h.append("<table id=\"top\"><tr><th>#</th><th>merchant</th><th>category</th><th>region</th>"
                        + "<th>KRW</th><th>payments</th></tr>\n");
                int rank = 1;
                for (MarketDay.TopMerchant t : m.topMerchants()) {
                    h.append("<tr><td>").append(rank++).append("</td><td class=\"t\">").append(esc(t.merchantId()))
                            .append("</td><td class=\"t\">").append(esc(t.category())).append("</td><td class=\"t\">")
                            .append(esc(t.region())).append("</td><td>").append(String.format("%,d", t.grossKrw()))
                            .append("</td><td>").append(t.payments()).append("</td></tr>\n");
                }
                h.append("</table>\n");
            }
        }
        h.append("<h2>Alerts</h2>\n<table id=\"alerts\"><tr><th>raised at</th><th>rule</th><th>severity</th>"
                + "<th>subject</th><th>observed</th></tr>\n");
        for (MarketDay.Alert a : m.alerts().subList(0, Math.min(100, m.alerts().size()))) {
            h.append("<tr><td class=\"t\">").append(a.raisedAt()).append("</td><td class=\"t\">").append(esc(a.rule()))
                    .append("</td><td class=\"t\">").append(esc(a.severity())).append("</td><td class=\"t\">")
                    .append(esc(a.subjectType() + " " + a.subjectId())).append("</td><td class=\"t\">")
                    .append(esc(a.observed())).append("</td></tr>\n");
        }
        h.append("</table>\n")
                // A renderer check: set once every chart decoded (a headless browser reads it back).
                .append("<script>window.addEventListener('load',function(){var ok=Array.prototype.every.call("
                        + "document.images,function(i){return i.complete&&i.naturalWidth>0;});"
                        + "document.body.setAttribute('data-charts-rendered',ok&&document.images.length>0);});"
                        + "</script>\n</body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
