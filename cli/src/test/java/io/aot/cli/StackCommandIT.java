package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aot stack} killed with SIGKILL leaves no server behind, and the next {@code aot stack --check} passes and
 * cleans up what the killed run left on disk.
 */
class StackCommandIT {

    private static final Pattern SERVER_LINE = Pattern.compile("^\\s+(kafka|cassandra)\\s+\\S+\\s+up in.*pid (\\d+), data (\\S+)");

    @TempDir
    Path pidDir;

    private Process stack;
    private final List<Long> serverPids = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        if (stack != null) {
            stack.destroyForcibly();
        }
        serverPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        System.clearProperty("aot.localstack.pid.dir");
    }

    @Test
    void killMinusNineOfTheStackLeavesNoServerAndTheNextCheckPasses() throws Exception {
        stack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Daot.localstack.pid.dir=" + pidDir, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "stack")
                .redirectErrorStream(true).start();
        List<Path> dataDirs = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(stack.getInputStream(), StandardCharsets.UTF_8));
        String line;
        boolean running = false;
        while (!running && (line = out.readLine()) != null) {
            System.out.println("[aot stack] " + line);
            Matcher m = SERVER_LINE.matcher(line);
            if (m.find()) {
                serverPids.add(Long.parseLong(m.group(2)));
                dataDirs.add(Path.of(m.group(3)));
            }
            running = line.startsWith("Running.");
        }
        assertThat(running).as("aot stack reached Running").isTrue();
        assertThat(serverPids).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        stack.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (serverPids.stream().anyMatch(StackCommandIT::alive) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(serverPids).as("Kafka and Cassandra of the killed run").noneMatch(StackCommandIT::alive);
        try (Stream<Path> files = Files.list(pidDir)) {
            assertThat(files.count()).as("pid files left by the killed run").isEqualTo(2);
        }

        System.setProperty("aot.localstack.pid.dir", pidDir.toString());
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.commandLine().execute("stack", "--check");
        } finally {
            System.setOut(previous);
        }
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(exit).isZero();
        assertThat(text).contains("ok   round-trip one Avro record through Kafka", "ok   apply the DDL twice",
                "ok   write and read back one row", "ok   stop both servers", "stack check passed");
        assertThat(dataDirs).as("temporary data of the killed run is deleted").allSatisfy(d -> assertThat(d).doesNotExist());
        try (Stream<Path> files = Files.list(pidDir)) {
            assertThat(files.toList()).as("no pid file survives a clean check").isEmpty();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
