package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.Testnet;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code aot} command against every failure that applies to it, run as a user runs it: the real {@link Main}
 * in its own JVM with the command's logging configuration, no servers. Each answers within {@link #BOUND} with exactly
 * one line on stderr that names the thing (the argument, path, or host:port) and what to do, without a stack frame;
 * exit 2 for bad arguments, 1 for failures, whose details are in the log file the line names.
 *
 * <p>Unreachable is a closed port (127.0.0.1:1) or an unknown host; "refuses" is a port that accepts and closes at
 * once; "silent" one that accepts and never answers. Not covered here, because the failure comes only after a working
 * server: {@code gateway} and {@code provision} with a missing Cassandra (both check Kafka first, covered), files
 * written after reading Cassandra ({@code report}, {@code settlement}, {@code segments export --out}), and the servers'
 * own commands ({@code stack}, {@code demo}, {@code bench}), which start theirs and are covered for bad arguments.
 */
class CommandErrorsTest {

    /** "Within seconds": the slowest case waits for a silent Kafka, 5 s, plus a JVM start on a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static final String CLOSED = "127.0.0.1:1";
    private static final String UNKNOWN_HOST = "no-such-host.invalid:9042";
    private static final String TOKEN = "0x" + "ab".repeat(20);
    private static final Pattern LOG_FILE = Pattern.compile("\\(details: (\\S+\\.log)\\)$");

    @TempDir
    static Path dir;

    private static Path logs;
    private static String genesis;
    private static ServerSocket silent;
    private static ServerSocket closing;
    private static HttpServer klaytnNode;

    @BeforeAll
    static void setUp() throws Exception {
        logs = dir.resolve("logs");
        genesis = Testnet.init(dir.resolve("testnet"), 1, 46_650, "aot-errors", TimeoutConfig.defaults()).homes()
                .get(0).resolve("genesis.properties").toString();
        // Accepts connections (the kernel's backlog does) and never answers.
        silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        // Accepts connections and closes them at once.
        closing = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread closer = new Thread(() -> {
            while (!closing.isClosed()) {
                try (Socket s = closing.accept()) {
                    s.getInputStream().available();
                } catch (IOException stopped) {
                    // closed at the end of the class
                }
            }
        }, "closing-server");
        closer.setDaemon(true);
        closer.start();
        // A Klaytn JSON-RPC endpoint that knows one answer, the head block number: enough to get past the node check.
        klaytnNode = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        klaytnNode.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0x10\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        klaytnNode.start();
    }

    @AfterAll
    static void tearDown() throws IOException {
        silent.close();
        closing.close();
        klaytnNode.stop(0);
    }

    private static String silent() {
        return "127.0.0.1:" + silent.getLocalPort();
    }

    private static String closing() {
        return "127.0.0.1:" + closing.getLocalPort();
    }

    // ---- bad arguments: exit 2, the line names the argument and points at --help ----

    @Test
    void badArgumentsOfEveryCommandAreOneLineAndExit2() {
        Path file = dir.resolve("a-file");
        List<Case> cases = List.of(
                new Case("'frobnicate'", "frobnicate"),
                new Case("--day", "report", "--day", "2026-13-45"),
                new Case("--top", "report", "--top", "0"),
                new Case("--genesis", "receipt", "TX1"),
                new Case("--validator", "receipt", "TX1", "--genesis", genesis),
                new Case("--validator", "audit", "--genesis", genesis, "--validator", "no-port"),
                new Case("--from", "audit", "--genesis", genesis, "--validator", CLOSED, "--from", "one"),
                new Case("--merchant", "settlement", "--merchant", "M1", "--out", file.toString()),
                new Case("--cassandra", "segments", "list", "--cassandra", "no-port"),
                new Case("--out", "segments", "export", "SEG"),
                new Case("--port", "segments", "serve", "--port", "http"),
                new Case("subcommand", "terminals"),
                new Case("--category", "terminals", "register", "--id", "T1", "--merchant", "M1", "--category", "SPACESHIP",
                        "--region", "SEOUL", "--acquirer", "A", "--key-id", "K", "--public-key", "00"),
                new Case("--public-key", "terminals", "register", "--id", "T1", "--merchant", "M1", "--category", "CAFE",
                        "--region", "SEOUL", "--acquirer", "A", "--key-id", "K", "--public-key", "not-hex",
                        "--cassandra", CLOSED),
                new Case("--replication", "terminals", "list", "--replication", "lots", "--cassandra", CLOSED),
                new Case("--limit", "terminals", "list", "--limit", "many"),
                new Case("--rate", "simulate", "--rate", "fast"),
                new Case("--via", "simulate", "--via", "pigeon"),
                new Case("--bootstrap", "simulate"),
                new Case("--bootstrap", "simulate", "--bootstrap", "no-port"),
                new Case("--gateway", "simulate", "--via", "gateway", "--gateway", "ftp://127.0.0.1:21"),
                new Case("subcommand", "chain"),
                new Case("--token", "chain", "follow", "--rpc", "http://127.0.0.1:1", "--bootstrap", CLOSED,
                        "--token", "0x12"),
                new Case("--rpc", "chain", "follow", "--rpc", "node", "--bootstrap", CLOSED, "--token", TOKEN),
                new Case("RAW_TX_HEX", "chain", "decode"),
                new Case("--home", "validator"),
                new Case("--dir", "validator", "init"),
                new Case("--rpc", "validator", "status", "--rpc", "127.0.0.1:70000"),
                new Case("--cassandra", "provision", "--bootstrap", CLOSED),
                new Case("--replication", "provision", "--bootstrap", CLOSED, "--cassandra", CLOSED,
                        "--replication", "lots"),
                new Case("--port", "gateway", "--bootstrap", CLOSED, "--port", "https"),
                new Case("--bootstrap", "gateway"),
                new Case("--validators", "bench", "consensus", "--validators", "four"),
                new Case("'pipelines'", "bench", "pipelines"),
                new Case("--seconds", "demo", "--seconds", "soon"),
                new Case("--kafka-port", "stack", "--kafka-port", "kafka"));
        for (Case c : cases) {
            Run r = aot(c.args());
            assertOneLine(r, 2, c.name());
        }
    }

    // ---- servers that are not there, refuse, or stay silent: exit 1, the line names the address and what to do ----

    @Test
    void anUnreachableCassandraIsOneLineForEveryCommandThatReadsIt() {
        Path out = dir.resolve("out");
        String c = "--cassandra";
        List<String[]> commands = List.of(
                new String[] {"report", "--day", "2026-11-23", "--out", out.toString(), c, CLOSED},
                new String[] {"receipt", "TX1", "--genesis", genesis, "--validator", CLOSED, c, CLOSED},
                // The validator answers the connection; the registry in Cassandra is what is missing.
                new String[] {"audit", "--genesis", genesis, "--validator", silent(), c, CLOSED},
                new String[] {"settlement", "--acquirer", "SHINHAN", "--day", "2026-11-24", "--out", out.toString(), c,
                    CLOSED},
                new String[] {"segments", "list", c, CLOSED},
                new String[] {"segments", "export", "SEG", "--out", out.resolve("seg.jsonl").toString(), c, CLOSED},
                new String[] {"segments", "keys", "--advertiser", "ADV", "--segments", "SEG", c, CLOSED},
                new String[] {"segments", "serve", "--port", "0", c, CLOSED},
                new String[] {"terminals", "register", "--id", "T1", "--merchant", "M1", "--category", "CAFE",
                    "--region", "SEOUL", "--acquirer", "A", "--key-id", "K", "--public-key", "00", c, CLOSED},
                new String[] {"terminals", "register-fleet", "--merchants", "2", "--customers", "10", c, CLOSED},
                new String[] {"terminals", "list", c, CLOSED},
                new String[] {"terminals", "revoke", "T1", c, CLOSED});
        for (String[] args : commands) {
            assertOneLine(aot(args), 1, "cannot reach Cassandra at " + CLOSED + " (connection refused)",
                    "start one with ./aot stack or pass --cassandra HOST:PORT");
        }
        assertOneLine(aot("report", "--cassandra", UNKNOWN_HOST), 1,
                "cannot reach Cassandra at " + UNKNOWN_HOST + " (unknown host)");
    }

    @Test
    void aReceiptWithoutCassandraOptionNamesTheDefaultAddress() {
        assumeTrue(!accepts("127.0.0.1", 9042), "something listens on 127.0.0.1:9042 here");
        assertOneLine(aot("receipt", "TX1", "--genesis", genesis, "--validator", CLOSED), 1,
                "cannot reach Cassandra at 127.0.0.1:9042 (connection refused)", "pass --cassandra HOST:PORT");
    }

    @Test
    void anUnreachableKafkaIsOneLineForEveryCommandThatWritesToIt() {
        String kafka = "cannot reach Kafka at " + CLOSED + " (connection refused)";
        String advice = "start one with ./aot stack or pass --bootstrap HOST:PORT";
        assertOneLine(aot("simulate", "--bootstrap", CLOSED), 1, kafka, advice);
        assertOneLine(aot("simulate", "--bootstrap", CLOSED + ",127.0.0.1:2"), 1, "127.0.0.1:2", "connection refused");
        assertOneLine(aot("gateway", "--bootstrap", CLOSED, "--cassandra", CLOSED), 1, kafka, advice);
        assertOneLine(aot("provision", "--bootstrap", CLOSED, "--cassandra", CLOSED), 1, kafka, advice);
        String node = "http://127.0.0.1:" + klaytnNode.getAddress().getPort();
        assertOneLine(aot("chain", "follow", "--rpc", node, "--token", TOKEN, "--bootstrap", CLOSED), 1, kafka, advice);
        // A port that accepts and never speaks Kafka: bounded, not the clients' 60 s.
        assertOneLine(aot("simulate", "--bootstrap", silent()), 1,
                "cannot reach Kafka at " + silent() + " (no answer in time)");
    }

    @Test
    void aValidatorThatIsNotThereRefusesOrIsSilentIsOneLine() {
        String advice = "start one with ./aot validator --home DIR or pass --validator HOST:PORT";
        String refused = "cannot reach the validator at " + CLOSED + " (connection refused)";
        assertOneLine(aot("audit", "--genesis", genesis, "--validator", CLOSED), 1, refused, advice);
        assertOneLine(aot("receipt", "TX1", "--genesis", genesis, "--validator", CLOSED, "--height", "1", "--index", "0"),
                1, refused, advice);
        assertOneLine(aot("validator", "status", "--rpc", CLOSED), 1, refused, "or pass --rpc HOST:PORT");

        String closed = "the server closed the connection";
        assertOneLine(aot("receipt", "TX1", "--genesis", genesis, "--validator", closing(), "--height", "1", "--index",
                "0"), 1, "cannot reach the validator at " + closing() + " (" + closed + ")", advice);
        assertOneLine(aot("validator", "status", "--rpc", closing()), 1, closing(), closed);
        assertOneLine(aot("validator", "status", "--rpc", silent()), 1,
                "cannot reach the validator at " + silent() + " (no answer in time)");
    }

    @Test
    void anUnreachableKlaytnNodeOrGatewayIsOneLine() {
        assertOneLine(aot("chain", "follow", "--rpc", "http://" + CLOSED, "--token", TOKEN, "--bootstrap", CLOSED), 1,
                "cannot reach the Klaytn node at http://" + CLOSED + " (connection refused)", "pass --rpc URL");
        assertOneLine(aot("simulate", "--via", "gateway", "--gateway", "http://" + CLOSED), 1,
                "cannot reach the gateway at http://" + CLOSED + " (connection refused)",
                "start one with ./aot gateway or pass --gateway URL");
    }

    // ---- files that are missing or cannot be written: exit 1, the line names the path and the option ----

    @Test
    void aMissingOrUnusableFileIsOneLineNamingThePathAndTheOption() throws IOException {
        String missing = dir.resolve("missing").toString();
        Path regularFile = Files.writeString(dir.resolve("regular-file"), "x");
        String under = regularFile.resolve("sub").toString();
        assertOneLine(aot("audit", "--genesis", missing + "/genesis.properties", "--validator", CLOSED), 1,
                missing + "/genesis.properties: no such file or directory; check --genesis");
        assertOneLine(aot("receipt", "TX1", "--genesis", missing, "--validator", CLOSED), 1,
                missing + ": no such file or directory; check --genesis");
        assertOneLine(aot("receipt", "--verify", missing + "/tx.receipt", "--genesis", genesis), 1,
                missing + "/tx.receipt: no such file or directory; check --verify");
        assertOneLine(aot("validator", "--home", missing), 1,
                missing + "/node.properties: no such file or directory; check --home");
        assertOneLine(aot("validator", "status", "--rpc", CLOSED, "--tls-ca", missing + "/ca.pem"), 1,
                missing + "/ca.pem: no such file or directory; check --tls-ca");
        assertOneLine(aot("validator", "init", "--validators", "1", "--dir", under), 1, under, "check --dir");
        assertOneLine(aot("simulate", "--via", "gateway", "--gateway", "http://" + CLOSED, "--gateway-trust-cert",
                missing + "/gw.pem"), 1, missing + "/gw.pem: no such file or directory; check --gateway-trust-cert");
        // The gateway answers the connection; the dump file is what cannot be made.
        assertOneLine(aot("simulate", "--via", "gateway", "--gateway", "http://" + silent(), "--dump",
                under + "/dump.jsonl"), 1, under, "check --dump");
    }

    // ---- the details: in the log file by default, on stderr with --verbose ----

    @Test
    void verbosePrintsTheDetailsOnStderrInsteadOfALogFile() throws IOException {
        long before = logCount();
        Run r = aot("report", "--verbose", "--cassandra", CLOSED);
        assertThat(r.exit()).as(r.describe()).isEqualTo(1);
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(0)).as(r.describe()).startsWith("aot report: cannot reach Cassandra at " + CLOSED)
                .doesNotContain("(details: ");
        assertThat(lines).as(r.describe()).anyMatch(l -> l.startsWith("\tat io.aot.cli."));
        assertThat(logCount()).as("no log file with --verbose").isEqualTo(before);
        assertThat(aot("--verbose", "report", "--cassandra", CLOSED).err()).as("before the subcommand too")
                .contains("\tat ");
    }

    // ---- the check and the child JVM ----

    /** A command line and what its error must name. */
    private record Case(String name, String... args) {
    }

    private record Run(List<String> args, int exit, String out, String err, Duration elapsed) {
        String describe() {
            return "aot " + String.join(" ", args) + " -> exit " + exit + " in " + elapsed.toMillis() + " ms\nstdout:\n"
                    + out + "stderr:\n" + err;
        }
    }

    /** Exit code, exactly one line on stderr holding every one of {@code names}, no stack frame, within the bound. */
    private static void assertOneLine(Run r, int exit, String... names) {
        assertThat(r.exit()).as(r.describe()).isEqualTo(exit);
        assertThat(r.err().lines().toList()).as(r.describe()).singleElement().asString()
                .startsWith("aot").contains(names);
        assertThat(r.err()).as(r.describe()).doesNotContain("\tat ").endsWith("\n");
        assertThat(r.elapsed()).as(r.describe()).isLessThan(BOUND);
        if (exit == 1) {
            Matcher m = LOG_FILE.matcher(r.err().strip());
            assertThat(m.find()).as("names its log file: " + r.describe()).isTrue();
            Path log = Path.of(m.group(1));
            assertThat(log).as(r.describe()).startsWith(logs);
            assertThat(readString(log)).as("the details").contains(r.err().strip().substring(0, m.start()).strip(),
                    "\tat ");
        } else {
            assertThat(r.err()).as("no details for a usage error: " + r.describe()).doesNotContain("(details: ");
        }
    }

    private static Run aot(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Daot.log-dir=" + logs,
                "-cp", runtimeClasspath(), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(BOUND.toSeconds() + 40, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("aot " + String.join(" ", args) + " still running after "
                        + (BOUND.toSeconds() + 40) + " s: " + readString(err));
            }
            return new Run(List.of(args), p.exitValue(), readString(out), readString(err),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The test classpath without the test classes: the child logs as the real command does (log4j2.properties). */
    private static String runtimeClasspath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static long logCount() throws IOException {
        if (!Files.isDirectory(logs)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.count();
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
