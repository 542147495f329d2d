package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.awt.image.BufferedImage;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aot report} on a real Cassandra holding known analytics rows: the HTML and PNGs carry those figures, and
 * headless Chromium (Debian's) loads the page and decodes every chart.
 */
@ExtendWith(CassandraExtension.class)
class ReportCommandIT {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

    @TempDir
    Path dir;

    @Test
    void rendersTheDaysFiguresAsChartsThatABrowserDisplays(CassandraNode cassandra) throws Exception {
        String ks = "aot_analytics_report_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.ANALYTICS, ks, Replication.simple(1), s::execute);
            var hourly = s.prepare("INSERT INTO " + ks + ".category_region_hourly (merchant_category, region, day, hour,"
                    + " currency, payment_count, gross_minor, unique_customers) VALUES (?,?,?,?,?,?,?,?)");
            // 12:00 and 19:00 in Seoul
            s.execute(hourly.bind("CAFE", "SEOUL", DAY, Instant.parse("2026-11-23T03:00:00Z"), "KRW", 40L,
                    BigInteger.valueOf(220_000), 35L));
            s.execute(hourly.bind("RESTAURANT", "BUSAN", DAY, Instant.parse("2026-11-23T10:00:00Z"), "KRW", 10L,
                    BigInteger.valueOf(330_000), 9L));
            s.execute(hourly.bind("CAFE", "SEOUL", DAY, Instant.parse("2026-11-23T10:00:00Z"), "AOT", 2L,
                    new BigInteger("9000000000000000000"), 2L));
            var mix = s.prepare("INSERT INTO " + ks + ".method_share_daily (region, day, method, wallet_provider, "
                    + "payment_count, gross_krw) VALUES (?,?,?,?,?,?)");
            s.execute(mix.bind("SEOUL", DAY, "QR_APP_TO_APP", "KAKAO_PAY", 30L, BigInteger.valueOf(150_000)));
            s.execute(mix.bind("BUSAN", DAY, "IC_CHIP", "NONE", 10L, BigInteger.valueOf(330_000)));
            var top = s.prepare("INSERT INTO " + ks + ".top_merchants_by_region_day (region, day, rank, merchant_id, "
                    + "merchant_category, gross_krw, payment_count) VALUES (?,?,?,?,?,?,?)");
            s.execute(top.bind("SEOUL", DAY, 1, "M000007", "CAFE", BigInteger.valueOf(220_000), 40L));
            s.execute(top.bind("BUSAN", DAY, 1, "M000042", "RESTAURANT", BigInteger.valueOf(330_000), 10L));
            s.execute(s.prepare("INSERT INTO " + ks + ".alerts (day, hour, raised_at, alert_id, rule, subject_type, "
                    + "subject_id, severity, observed, threshold, tx_ids) VALUES (?,?,?,?,?,?,?,?,?,?,?)").bind(DAY, 14,
                    Instant.parse("2026-11-23T05:00:00Z"), "TERMINAL_BURST|T1|1", "TERMINAL_BURST", "terminal", "T1",
                    "WARNING", "> 40 payments in the minute", "<= 40 payments per minute", List.of("tx1")));
        }

        int exit = Main.commandLine().execute("report", "--day", DAY.toString(), "--cassandra",
                cassandra.contactPoint(), "--keyspace", ks, "--out", dir.toString());
        assertThat(exit).isZero();

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("52 payments", "550,000 KRW", "1 alerts", "M000042", "M000007", "TERMINAL_BURST");
        assertThat(html.indexOf("M000042")).as("larger sales rank first").isLessThan(html.indexOf("M000007"));
        for (String chart : List.of("sales_by_hour", "method_mix", "top_merchants", "region_heatmap",
                "alerts_by_rule")) {
            BufferedImage png = ImageIO.read(dir.resolve(chart + ".png").toFile());
            assertThat(png).as(chart).isNotNull();
            assertThat(png.getWidth()).as(chart).isGreaterThan(300);
            assertThat(html).contains("id=\"" + chart + "\" alt=\"" + chart + "\" src=\"data:image/png;base64,");
        }
        BufferedImage hours = ImageIO.read(dir.resolve("sales_by_hour.png").toFile());
        assertThat(distinctColours(hours)).as("bars drawn, not a blank canvas").isGreaterThan(3);

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Debian chromium is not installed (apt-get install chromium): the browser check is skipped");
        Process chromium = new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("chromium-profile"), "--virtual-time-budget=5000",
                "--dump-dom", dir.resolve("report.html").toUri().toString())
                .redirectError(dir.resolve("chromium.log").toFile()).start();
        String dom;
        try {
            dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            chromium.destroyForcibly(); // never left behind, whatever happened
        }
        assertThat(dom).as("Chromium loaded the page and decoded every chart")
                .contains("data-charts-rendered=\"true\"").contains("AOT market report: 2026-11-23");
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
