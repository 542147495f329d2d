package io.aot.cli.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.cli.Main;
import io.aot.cli.settlement.SettlementStatement.Line;
import io.aot.cli.settlement.SettlementStatement.Party;
import io.aot.cli.settlement.SettlementStatement.PartyKind;
import io.aot.cli.settlement.SettlementStatement.Total;
import io.aot.localstack.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aot settlement} without a ledger: bad arguments are one line and exit 2, an unreachable Cassandra one line and
 * exit 1 within seconds; the reconciliation of totals against their transactions; the files of a statement.
 */
class SettlementCommandTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 24);

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err, long millis) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        try {
            int exit = Main.commandLine().execute(Stream.concat(Stream.of("settlement"), Stream.of(args))
                    .toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void badArgumentsAreOneLineAndExit2() {
        String out = "--out=" + dir;
        List<String[]> bad = List.of(
                new String[] {out},
                new String[] {"--merchant", "M1", "--acquirer", "A", "--day", "2026-11-24", out},
                new String[] {"--merchant", "M1", out},
                new String[] {"--merchant", "M1", "--day", "2026-11-24", out},
                new String[] {"--merchant", "M1", "--from", "2026-11-24", "--to", "2026-11-23", out},
                new String[] {"--merchant", "M1", "--from", "2025-01-01", "--to", "2026-11-23", out},
                new String[] {"--merchant", "M1", "--from", "24.11.2026", out},
                new String[] {"--acquirer", "SHINHAN", out},
                new String[] {"--acquirer", "SHINHAN", "--day", "2026-11-24", "--from", "2026-11-24", out},
                new String[] {"--acquirer", "SHINHAN", "--day", "2026-02-30", out},
                new String[] {"--acquirer", " ", "--day", "2026-11-24", out},
                new String[] {"--acquirer", "SHINHAN", "--day", "2026-11-24", "--cassandra", "nohost", out},
                new String[] {"--acquirer", "SHINHAN", "--day", "2026-11-24", "--keyspace", "x; DROP", out});
        for (String[] args : bad) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("aot settlement: ");
            assertThat(r.out()).isEmpty();
        }
        assertThat(Files.exists(dir.resolve(StatementFiles.HTML))).isFalse();
    }

    @Test
    void anUnreachableCassandraIsOneLineAndExit1WithinSeconds() {
        int closed = FreePorts.allocate(1)[0]; // nothing listens there
        Run r = run("--merchant", "M1", "--from", "2026-11-24", "--cassandra", "127.0.0.1:" + closed,
                "--out", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("aot settlement: cannot reach Cassandra at 127.0.0.1:" + closed
                        + " (connection refused); ");
        assertThat(r.millis()).as("answered within seconds").isLessThan(15_000);
        assertThat(Files.exists(dir.resolve(StatementFiles.HTML))).as("no statement written").isFalse();
    }

    private static Line line(String txId, String kind, long amount, String acquirer) {
        return new Line(DAY, "KRW", "M1", acquirer, txId, kind, BigInteger.valueOf(amount),
                Instant.parse("2026-11-23T14:59:59.900Z"), Instant.parse("2026-11-23T15:00:00.400Z"), 7, "IC_CHIP",
                "M1-T0", "REFUND".equals(kind) ? "p1" : null);
    }

    private static Total total(long payments, long gross, long refunds, long refunded, long net) {
        return new Total(DAY, "KRW", "M1", "SHINHAN", payments, BigInteger.valueOf(gross), refunds,
                BigInteger.valueOf(refunded), BigInteger.ZERO, BigInteger.valueOf(net), 9);
    }

    @Test
    void reconciliationNamesEveryTotalThatDisagreesWithItsTransactions() {
        List<Line> lines = List.of(line("p1", "PAYMENT", 10_000, "SHINHAN"), line("p2", "PAYMENT", 5_000, "SHINHAN"),
                line("r1", "REFUND", 4_000, "SHINHAN"));
        assertThat(SettlementStatement.reconcile(List.of(total(2, 15_000, 1, 4_000, 11_000)), lines)).isEmpty();

        assertThat(SettlementStatement.reconcile(List.of(total(2, 15_001, 1, 4_000, 11_001)), lines)).singleElement()
                .asString().contains("gross 2 payments 15001", "list 2 payments 15000");
        assertThat(SettlementStatement.reconcile(List.of(total(2, 15_000, 2, 4_000, 11_000)), lines)).singleElement()
                .asString().contains("refunds 2 refunds 4000", "list 1 refunds 4000");
        assertThat(SettlementStatement.reconcile(List.of(total(2, 15_000, 1, 4_000, 15_000)), lines)).singleElement()
                .asString().contains("net 15000 is not gross - refunds - fee");
        assertThat(SettlementStatement.reconcile(List.of(total(2, 15_000, 1, 4_000, 11_000)),
                List.of(lines.get(0), lines.get(1), lines.get(2), line("p3", "PAYMENT", 1, "KB"))))
                .singleElement().asString().contains("acquirer KB: transactions without a settlement total");
    }

    @Test
    void filesCarryTheFiguresTheDayBasisAndQuoteWhatNeedsQuoting() throws Exception {
        Line odd = new Line(DAY, "KRW", "M1", "SHINHAN", "p,\"1\"", "PAYMENT", BigInteger.valueOf(10_000),
                Instant.parse("2026-11-23T14:59:59.900Z"), Instant.parse("2026-11-23T15:00:00.400Z"), 7, "IC_CHIP",
                "<T0>", null);
        SettlementStatement s = new SettlementStatement(new Party(PartyKind.MERCHANT, "M1"), DAY, DAY,
                List.of(total(1, 10_000, 0, 0, 10_000)), List.of(odd), List.of());
        StatementFiles.write(s, dir);
        List<String> tx = Files.readAllLines(dir.resolve(StatementFiles.TRANSACTIONS_CSV));
        assertThat(tx.get(0)).isEqualTo(String.join(",", StatementFiles.TRANSACTION_COLUMNS));
        assertThat(tx.get(1)).isEqualTo("2026-11-24,KRW,M1,SHINHAN,\"p,\"\"1\"\"\",PAYMENT,10000,"
                + "2026-11-23T23:59:59.900+09:00,2026-11-24T00:00:00.400+09:00,7,IC_CHIP,<T0>,");
        assertThat(Files.readAllLines(dir.resolve(StatementFiles.TOTALS_CSV))).containsExactly(
                String.join(",", StatementFiles.TOTALS_COLUMNS), "2026-11-24,KRW,M1,SHINHAN,1,10000,0,0,0,10000,9");
        String html = Files.readString(dir.resolve(StatementFiles.HTML));
        assertThat(html).contains("id=\"day-basis\">Settlement day = the Asia/Seoul date on which the transaction was "
                + "committed", "&lt;T0&gt;", "p,&quot;1&quot;", "10,000", "@media print",
                "Every total equals the committed transactions").doesNotContain("<T0>");
    }
}
