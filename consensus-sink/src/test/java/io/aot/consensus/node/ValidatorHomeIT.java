package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.engine.TimeoutConfig;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator home is safe to start on, with real validator processes (a one-validator chain, which commits alone):
 * a second process on a running home is refused before it touches {@code data/}, and a home whose signer state is
 * lost while it holds blocks is refused until the operator restores it.
 */
class ValidatorHomeIT {

    private static final String CHAIN = "aot-home-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ChildProcess> processes = new ArrayList<>();
    private Testnet.Layout layout;

    @AfterEach
    void stopAll() {
        processes.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void aSecondProcessOnARunningHomeIsRefusedWithOneLine() throws Exception {
        layout = Testnet.init(dir, 1, FreePorts.allocate(2), CHAIN, new TimeoutConfig(500, 250, 250, 100, 250, 100, 50));
        ChildProcess first = start("first");
        long before = awaitHeight(3);
        long blocksBytes = Files.size(home().resolve("data/blocks.log"));

        ChildProcess second = start("second");
        assertThat(second.awaitExit(WAIT)).as("exit status; log:\n%s", second.logTail(20))
                .isEqualTo(ValidatorMain.EX_CONFIG);
        List<String> lines = Files.readAllLines(second.logFile()).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("one line, no stack trace").hasSize(1);
        assertThat(lines.get(0)).startsWith("validator refused to start: ")
                .contains("in use by another validator process (pid " + first.pid() + ")");
        assertThat(first.isAlive()).isTrue();
        assertThat(awaitHeight(before + 2)).as("the first one keeps committing").isGreaterThan(before);
        assertThat(Files.size(home().resolve("data/blocks.log"))).isGreaterThan(blocksBytes);
    }

    @Test
    void aHomeWithBlocksButNoSignerStateIsRefusedUntilItIsRestored() throws Exception {
        layout = Testnet.init(dir, 1, FreePorts.allocate(2), CHAIN, new TimeoutConfig(500, 250, 250, 100, 250, 100, 50));
        ChildProcess first = start("first");
        awaitHeight(3);
        first.stop(Duration.ofSeconds(10));
        long stopped = Files.size(home().resolve("data/blocks.log"));
        Path signer = home().resolve("data/signer.bin");
        Path backup = dir.resolve("signer.bin.backup");
        Files.move(signer, backup);

        ChildProcess lost = start("lost");
        assertThat(lost.awaitExit(WAIT)).as("exit status; log:\n%s", lost.logTail(20))
                .isEqualTo(ValidatorMain.EX_CONFIG);
        List<String> lines = Files.readAllLines(lost.logFile()).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("signer.bin is missing").contains("holds blocks up to height")
                .contains("restore signer.bin from a backup");
        assertThat(Files.size(home().resolve("data/blocks.log"))).as("refused before anything was written")
                .isEqualTo(stopped);

        Files.move(backup, signer);
        start("restored");
        long height = awaitHeight(1);
        assertThat(awaitHeight(height + 2)).as("commits again with its history back").isGreaterThan(height);
    }

    /**
     * Issue 21 item 7: a heap below what the validator's byte bounds need is refused at start with one line naming the
     * heap it has and the -Xmx it needs, before anything is written; before, it started and could run out of memory.
     */
    @Test
    void aHeapTooSmallForTheBoundsIsRefusedWithOneLine() throws Exception {
        layout = Testnet.init(dir, 1, FreePorts.allocate(2), CHAIN, new TimeoutConfig(500, 250, 250, 100, 250, 100, 50));
        ChildProcess small = start("small", "-Xmx64m");
        assertThat(small.awaitExit(WAIT)).as("exit status; log:\n%s", small.logTail(20))
                .isEqualTo(ValidatorMain.EX_CONFIG);
        List<String> lines = Files.readAllLines(small.logFile()).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("one line, no stack trace").hasSize(1);
        long needMiB = MemoryBudget.minimumHeapBytes(1) >> 20;
        assertThat(lines.get(0)).startsWith("validator refused to start: a heap of ")
                .contains("MiB is below the " + needMiB + " MiB a validator of 1 needs")
                .endsWith("run it with -Xmx" + needMiB + "m or more");
        assertThat(home().resolve("data/blocks.log")).as("refused before anything was written").doesNotExist();

        ChildProcess enough = start("enough");
        awaitHeight(2);
        assertThat(Files.readAllLines(enough.logFile())).as("the budget, once, at start")
                .filteredOn(l -> l.startsWith("memory budget: heap ")).singleElement().asString()
                .contains("for 1 validators: mempool ");
    }

    private Path home() {
        return layout.homes().get(0);
    }

    private ChildProcess start(String name) {
        return start(name, "-Xmx192m");
    }

    private ChildProcess start(String name, String heap) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        ChildProcess p = ChildJvm.named("home-it-" + name).classpath(cp).jvmArgs(heap, "-XX:+UseSerialGC")
                .mainClass(ValidatorMain.class.getName()).args("--home", home().toString()).workDir(home(), false)
                .logFile(dir.resolve(name + ".log")).start();
        processes.add(p);
        return p;
    }

    /** Waits until the validator reports at least {@code height} committed; returns the height it reported. */
    private long awaitHeight(long height) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (ValidatorClient c = new ValidatorClient(CHAIN,
                    new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(0)))) {
                seen = c.latestHeight();
                if (seen >= height) {
                    return seen;
                }
            } catch (java.io.IOException notUpYet) {
                // starting
            }
            Thread.sleep(200);
        }
        // Name every process still around with its log: a validator that died after one answer looks stalled here.
        StringBuilder state = new StringBuilder();
        for (ChildProcess p : processes) {
            state.append("\n").append(p.logFile().getFileName()).append(p.isAlive() ? " (running)" : " (exited)")
                    .append(":\n").append(p.logTail(30));
        }
        throw new AssertionError("validator at height " + seen + ", not " + height + ", within " + WAIT + state);
    }
}
