package io.aot.cli.settlement;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.aot.cli.connect.CassandraConsistency;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.settlement.SettlementStatement.DayTotal;
import io.aot.cli.settlement.SettlementStatement.Party;
import io.aot.cli.settlement.SettlementStatement.PartyKind;
import io.aot.consensus.node.HostPort;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aot settlement}: a merchant's statement over days ({@code --merchant M --from D --to D}) or an acquirer's
 * statement of one day ({@code --acquirer A --day D}) from the committed ledger in Cassandra: gross, refunds, fee and
 * net per settlement day and currency, with the transactions behind each total, printed and written as CSV and a
 * printable HTML page ({@link StatementFiles}). Exit 0: written and every total equals its transactions; 1: Cassandra
 * could not answer, or a total disagrees with its transactions (listed); 2: bad arguments.
 */
@Command(name = "settlement", mixinStandardHelpOptions = true,
        description = {"Settlement statement (정산/매출 내역) from the committed ledger: gross,",
            "refunds, fee and net per settlement day (Asia/Seoul date of commit) and",
            "currency, with the transactions behind each total; printed, and written as",
            "totals.csv, transactions.csv and a printable statement.html.",
            "Exit 0: written and reconciled; 1: Cassandra unreachable, or totals that",
            "disagree with their transactions (listed); 2: bad arguments."})
public final class SettlementCommand implements Callable<Integer> {

    /** Seconds the driver may take to connect, and to answer one request: an unreachable node fails within them. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--merchant", description = "Merchant id: its statement over --from..--to.")
    String merchant;

    @Option(names = "--from", description = "First settlement day, YYYY-MM-DD (with --merchant).")
    String from;

    @Option(names = "--to", description = "Last settlement day, YYYY-MM-DD (with --merchant; default: --from).")
    String to;

    @Option(names = "--acquirer", description = "Acquirer id: its statement of --day, per merchant.")
    String acquirer;

    @Option(names = "--day", description = "Settlement day, YYYY-MM-DD (with --acquirer).")
    String day;

    @Option(names = "--out", defaultValue = "settlement", description = "Directory for the CSV files and the page.")
    Path out;

    @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042", description = "A Cassandra node, host:port.")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1", description = "The driver's local data center.")
    String datacenter;

    @Option(names = "--keyspace", defaultValue = "aot_ledger", description = "The ledger keyspace.")
    String keyspace;

    @Mixin
    CassandraConsistency consistency;

    @Override
    public Integer call() {
        Party party;
        LocalDate first;
        LocalDate last;
        try {
            if ((merchant == null) == (acquirer == null)) {
                return usage("give --merchant M --from D [--to D], or --acquirer A --day D");
            }
            if (!keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
                return usage("--keyspace must match [a-z][a-z0-9_]{0,47}");
            }
            HostPort.parse(cassandra); // a malformed address is a bad argument, checked with the others
            if (merchant != null) {
                if (day != null || from == null) {
                    return usage("--merchant takes --from D [--to D], not --day");
                }
                party = new Party(PartyKind.MERCHANT, id("--merchant", merchant));
                first = LocalDate.parse(from);
                last = to == null ? first : LocalDate.parse(to);
                if (last.isBefore(first)) {
                    return usage("--to " + last + " is before --from " + first);
                }
                if (ChronoUnit.DAYS.between(first, last) + 1 > SettlementStatement.MAX_DAYS) {
                    return usage("at most " + SettlementStatement.MAX_DAYS + " days per statement");
                }
            } else {
                if (day == null || from != null || to != null) {
                    return usage("--acquirer takes --day D, not --from/--to");
                }
                party = new Party(PartyKind.ACQUIRER, id("--acquirer", acquirer));
                first = LocalDate.parse(day);
                last = first;
            }
        } catch (DateTimeParseException e) {
            return usage("a day is YYYY-MM-DD, got " + e.getParsedString());
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }

        SettlementStatement statement;
        DriverConfigLoader config = CassandraSessions.config(consistency.level())
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, CONNECT_TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, CONNECT_TIMEOUT)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT).build();
        // A Cassandra that cannot be reached is the one-line failure of every command (CassandraSessions); one that
        // fails the queries is this command's.
        try (CqlSession session = CassandraSessions.open(cassandra, datacenter, config)) {
            statement = SettlementStatement.read(session, keyspace, party, first, last);
        } catch (DriverException e) {
            return failure("cannot read the ledger from Cassandra at " + cassandra + " (keyspace " + keyspace + "): "
                    + firstLine(e.getMessage()));
        }
        try {
            StatementFiles.write(statement, out);
        } catch (IOException e) {
            return failure("cannot write " + out + ": " + e.getMessage());
        }
        print(statement);
        return statement.reconciled() ? 0 : 1;
    }

    private void print(SettlementStatement s) {
        System.out.printf("Settlement statement, %s, settlement days %s..%s, as of chain height %d%n",
                s.party().describe(), s.from(), s.to(), s.asOfHeight());
        System.out.println(StatementFiles.DAY_BASIS);
        System.out.printf("%-10s  %-8s  %8s  %28s  %7s  %28s  %10s  %28s%n", "day", "currency", "payments", "gross",
                "refunds", "refunded", "fee", "net");
        for (DayTotal d : s.dayTotals()) {
            System.out.printf("%-10s  %-8s  %8d  %,28d  %7d  %,28d  %,10d  %,28d%n", d.day(), d.currency(),
                    d.paymentCount(), d.grossMinor(), d.refundCount(), d.refundMinor(), d.feeMinor(), d.netMinor());
        }
        if (s.totals().isEmpty()) {
            System.out.println("no settled sales");
        }
        s.findings().forEach(f -> System.out.println("UNRECONCILED " + f));
        System.out.printf("%d totals, %d transactions: %s -> %s (+ %s, %s)%n", s.totals().size(), s.lines().size(),
                s.reconciled() ? "reconciled" : s.findings().size() + " finding(s)",
                out.resolve(StatementFiles.HTML).toAbsolutePath(), StatementFiles.TOTALS_CSV,
                StatementFiles.TRANSACTIONS_CSV);
    }

    private static String id(String option, String value) {
        if (value.isBlank() || value.length() > 64 || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(option + " must be 1..64 printable characters");
        }
        return value;
    }

    private static int usage(String message) {
        System.err.println("aot settlement: " + message);
        return 2;
    }

    private static int failure(String message) {
        System.err.println("aot settlement: " + message);
        return 1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
