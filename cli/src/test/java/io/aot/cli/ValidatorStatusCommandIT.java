package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.engine.Step;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.consensus.node.ValidatorStatus;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators' view of real validator processes (one 4-validator testnet for every check): Prometheus {@code /metrics}
 * over HTTP, the RPC STATUS, the per-height log line, and {@code aot validator status} against a running validator,
 * a closed port, a silent port and bad arguments.
 */
class ValidatorStatusCommandIT {

    private static final String CHAIN = "aot-status-it";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern DECIDED =
            Pattern.compile("^decided height=(\\d+) round=(\\d+) txs=(\\d+) block=[0-9a-f]{12} elapsed_ms=(\\d+)$");

    @TempDir
    Path dir;

    private final List<ChildProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
    }

    @Test
    void metricsStatusAndTheCommandShowARunningValidator() throws Exception {
        Testnet.Layout net = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200));
        int[] metricsPorts = FreePorts.allocate(4);
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        for (int i = 0; i < 4; i++) {
            Path home = net.homes().get(i);
            NodeConfig.read(home).withMetricsPort(metricsPorts[i]).write();
            nodes.add(ChildJvm.named("status-validator" + i).classpath(cp).jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                    .mainClass(ValidatorMain.class.getName()).args("--home", home.toString())
                    .workDir(home, false).logFile(home.resolve("validator.log")).start());
        }
        InetSocketAddress rpc = new InetSocketAddress("127.0.0.1", net.rpcPorts().get(0));

        // All three peers linked both ways, and a few heights committed.
        ValidatorStatus status = awaitStatus(rpc, s -> s.committedHeight() >= 3 && s.peersConnected() == 3);
        assertThat(status.peers()).isEqualTo(3);

        // The metric and the RPC answer are the same figure: read in between two scrapes, it lies between them.
        double before = metric(scrape(metricsPorts[0]), "aot_validator_committed_height");
        status = status(rpc);
        String text = scrape(metricsPorts[0]);
        double after = metric(text, "aot_validator_committed_height");
        assertThat((double) status.committedHeight()).isBetween(before, after);
        assertThat(metric(text, "aot_validator_peers_connected")).isEqualTo(3.0);
        assertThat(metric(text, "aot_validator_peers")).isEqualTo(3.0);
        assertThat(metric(text, "aot_validator_last_height_rounds")).isGreaterThanOrEqualTo(1.0);
        assertThat(metric(text, "aot_validator_catching_up")).isZero();
        assertThat(metric(text, "aot_validator_equivocations_seen_total")).isZero();
        assertThat(text).contains("aot_validator_round ", "aot_validator_step{step=\"", "aot_validator_mempool_txs ",
                "aot_validator_mempool_bytes ", "aot_validator_wal_bytes ", "aot_validator_committed_txs_total ",
                "aot_validator_blocks_behind ", "aot_validator_peers_committed_height ");
        assertThat(status.catchingUp()).isFalse();
        assertThat(Step.valueOf(status.step())).isNotNull();
        assertThat(status.lastHeightRounds()).isGreaterThanOrEqualTo(1);

        // The height metric advances.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric(scrape(metricsPorts[0]), "aot_validator_committed_height") < after + 2
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(metric(scrape(metricsPorts[0]), "aot_validator_committed_height")).isGreaterThanOrEqualTo(after + 2);

        // One log line per decided height: heights 1, 2, 3, ... each once.
        long committed = status(rpc).committedHeight();
        List<Long> decided = new ArrayList<>();
        for (String line : Files.readAllLines(net.homes().get(0).resolve("validator.log"))) {
            if (line.startsWith("decided ")) {
                Matcher m = DECIDED.matcher(line);
                assertThat(m.matches()).as("decision line: %s", line).isTrue();
                decided.add(Long.parseLong(m.group(1)));
            }
        }
        assertThat(decided.size()).isGreaterThanOrEqualTo((int) committed);
        for (int i = 0; i < decided.size(); i++) {
            assertThat(decided.get(i)).as("line %d", i).isEqualTo(i + 1L);
        }

        // The command against the running validator.
        Run ok = aot("validator", "status", "--rpc", "127.0.0.1:" + net.rpcPorts().get(0));
        assertThat(ok.exit).as(ok.err).isZero();
        assertThat(ok.out).contains("validator ", ": height ", "in sync", "peers connected 3/3", "mempool: ",
                "equivocations seen: 0", "network: ");
        assertThat(ok.out.lines().count()).isBetween(3L, 8L);

        // A closed port: one line, exit 1, within seconds.
        int closed = FreePorts.allocate(1)[0];
        Run refused = aot("validator", "status", "--rpc", "127.0.0.1:" + closed);
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err.lines()).singleElement().asString()
                .startsWith("aot validator status: cannot reach the validator at 127.0.0.1:" + closed
                        + " (connection refused)");
        assertThat(refused.out).isEmpty();
        assertThat(refused.elapsed).isLessThan(Duration.ofSeconds(10));

        // A port that accepts and never answers: bounded too.
        try (ServerSocket silent = new ServerSocket(0)) {
            Run mute = aot("validator", "status", "--rpc", "127.0.0.1:" + silent.getLocalPort());
            assertThat(mute.exit).isEqualTo(1);
            assertThat(mute.err.lines()).singleElement().asString().contains("(no answer in time)");
            assertThat(mute.elapsed).isLessThan(Duration.ofSeconds(10));
        }

        // Bad arguments: exit 2.
        assertThat(aot("validator", "status", "--rpc", "no-port").exit).isEqualTo(2);
        assertThat(aot("validator", "status", "--rpc", "127.0.0.1:70000").exit).isEqualTo(2);
        assertThat(aot("validator", "status").exit).isEqualTo(2);
    }

    private interface Check {
        boolean test(ValidatorStatus s);
    }

    private static ValidatorStatus awaitStatus(InetSocketAddress rpc, Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ValidatorStatus last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = status(rpc);
                if (check.test(last)) {
                    return last;
                }
            } catch (java.io.IOException notYetUp) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("validator never reached the state; last status: " + last);
    }

    private static ValidatorStatus status(InetSocketAddress rpc) throws Exception {
        try (ValidatorClient c = new ValidatorClient(CHAIN, rpc, Duration.ofSeconds(5))) {
            return c.status();
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of an unlabelled sample in the text exposition format. */
    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
                name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in\n" + text));
    }

    private record Run(int exit, String out, String err, Duration elapsed) {
    }

    private static Run aot(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        int exit;
        try {
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
        System.out.print(run.out);
        System.out.print(run.err);
        return run;
    }
}
