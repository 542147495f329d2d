package io.aot.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A parent killed with SIGKILL runs no shutdown hook: its children must still not outlive it. */
class OrphanIT {

    @TempDir
    Path pidDir;

    private String previousPidDir;
    private Process parent;
    private long childPid = -1;

    @BeforeEach
    void isolatePidFiles() {
        previousPidDir = System.getProperty("aot.localstack.pid.dir");
        System.setProperty("aot.localstack.pid.dir", pidDir.toString());
    }

    @AfterEach
    void cleanUp() {
        if (parent != null) {
            parent.destroyForcibly();
        }
        if (childPid > 0) {
            ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (previousPidDir == null) {
            System.clearProperty("aot.localstack.pid.dir");
        } else {
            System.setProperty("aot.localstack.pid.dir", previousPidDir);
        }
    }

    @Test
    void childExitsWhenItsParentIsKilled() throws Exception {
        String[] line = startParentAndReadChild(true);
        childPid = Long.parseLong(line[1]);
        assertThat(ProcessHandle.of(childPid)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

        parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        assertThat(awaitExit(childPid, Duration.ofSeconds(20))).as("child %d exits after kill -9 of its parent", childPid)
                .isTrue();
    }

    @Test
    void reaperKillsAChildThatOutlivedItsParent() throws Exception {
        String[] line = startParentAndReadChild(false);
        childPid = Long.parseLong(line[1]);
        Path workDir = Path.of(line[2]);

        parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(2_000);
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).as("no watchdog: child survives").hasValue(true);
        assertThat(Files.list(pidDir).toList()).hasSize(1);

        List<OrphanReaper.Reaped> reaped = OrphanReaper.reap();

        assertThat(reaped).containsExactly(new OrphanReaper.Reaped(childPid, "sleeper", true));
        assertThat(awaitExit(childPid, Duration.ofSeconds(15))).isTrue();
        assertThat(workDir).doesNotExist();
        assertThat(Files.list(pidDir).toList()).isEmpty();
    }

    @Test
    void reaperLeavesChildrenOfLiveParentsAlone() throws Exception {
        String[] line = startParentAndReadChild(true);
        childPid = Long.parseLong(line[1]);

        assertThat(OrphanReaper.reap()).isEmpty();
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).hasValue(true);
    }

    private String[] startParentAndReadChild(boolean watchdog) throws Exception {
        String testClasses = Path.of(SleeperMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Daot.localstack.pid.dir=" + pidDir,
                "-cp", System.getProperty("java.class.path"),
                OrphanParentMain.class.getName(), Boolean.toString(watchdog), testClasses)
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("CHILD ")) {
                return line.split(" ");
            }
        }
        throw new AssertionError("parent exited without starting a child, exit " + parent.waitFor());
    }

    private static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
