package io.aot.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Flink 1.20 standalone session cluster from Maven jars (flink-dist is not served): a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code TaskManagerRunner}, sized by Flink's own
 * {@code BashJavaUtils} as {@code taskmanager.sh} does) as child JVMs on 127.0.0.1, and {@code flink run} as Flink's
 * {@code CliFrontend} in a third. The same no-orphan guarantees as the other servers (watchdog, pid files).
 */
public final class FlinkCluster implements AutoCloseable {

    /** Flags the TaskManager and the client need on Java 17 (Kryo, Avro); Avro 1.12 must trust our record classes. */
    private static final List<String> JAVA17_FLAGS = List.of("--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.aot.avro");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    /** What {@code flink stop} prints: "Savepoint completed. Path: file:/..." */
    private static final Pattern SAVEPOINT_PATH = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private final Path dir;
    private final int restPort;
    private final ChildProcess jobManager;
    private final ChildProcess taskManager;
    private final HttpClient http = HttpClient.newHttpClient();

    private FlinkCluster(Path dir, int restPort, ChildProcess jobManager, ChildProcess taskManager) {
        this.dir = dir;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.taskManager = taskManager;
    }

    /** Starts a JobManager and a TaskManager with {@code slots} slots; returns once the TaskManager registered. */
    public static FlinkCluster start(int slots, Duration timeout) {
        Path dir;
        try {
            dir = Files.createTempDirectory("aot-flink-");
            Files.createDirectories(dir.resolve("conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = FreePorts.allocate(2);
        int rpcPort = ports[0];
        int restPort = ports[1];
        writeConfig(dir, rpcPort, restPort, slots);
        List<Path> cp = ServerDists.classpath(ServerDists.Server.FLINK);
        List<String> logging = List.of("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri());
        ChildProcess jm = ChildJvm.named("flink-jobmanager").classpath(cp)
                .jvmArgs("-Xms512m", "-Xmx512m").jvmArgs(logging).jvmArgs("-Dlog.file=" + dir.resolve("jobmanager.log"))
                .mainClass("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint")
                .args("--configDir", dir.resolve("conf").toString())
                .workDir(dir, true).logFile(dir.resolve("jobmanager.out")).start();
        FlinkCluster cluster = null;
        try {
            String[] tmParams = taskManagerParams(dir, cp);
            ChildProcess tm = ChildJvm.named("flink-taskmanager").classpath(cp)
                    .jvmArgs(Arrays.asList(tmParams[0].trim().split("\\s+"))).jvmArgs(JAVA17_FLAGS).jvmArgs(logging)
                    .jvmArgs("-Dlog.file=" + dir.resolve("taskmanager.log"))
                    .mainClass("org.apache.flink.runtime.taskexecutor.TaskManagerRunner")
                    .args(concat(new String[] {"--configDir", dir.resolve("conf").toString()}, tmParams[1].trim().split("\\s+")))
                    .workDir(dir, false).logFile(dir.resolve("taskmanager.out")).start();
            cluster = new FlinkCluster(dir, restPort, jm, tm);
            cluster.awaitTaskManager(timeout);
            return cluster;
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            } else {
                jm.stop(Duration.ofSeconds(5));
            }
            throw e;
        }
    }

    public int restPort() {
        return restPort;
    }

    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /**
     * The module's shaded job jar ({@code *-job.jar}) in {@code targetDir}, which Maven's package phase builds before
     * the integration tests run.
     */
    public static Path jobJarIn(Path targetDir) throws IOException {
        try (var files = java.nio.file.Files.list(targetDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-job.jar in " + targetDir
                            + ": the package phase builds it"));
        }
    }

    /** {@code flink run -d -c mainClass jar args...}: submits the job detached and returns its job id. */
    public String submit(Path jobJar, String mainClass, String... args) {
        return submit(jobJar, mainClass, List.of(), args);
    }

    /**
     * {@code flink run -d [runOptions] -c mainClass jar args...}, e.g. {@code -s SAVEPOINT -p 3}: submits the job
     * detached and returns its job id.
     */
    public String submit(Path jobJar, String mainClass, List<String> runOptions, String... args) {
        List<String> cli = new ArrayList<>(List.of("run", "-m", restAddress(), "-d"));
        cli.addAll(runOptions);
        cli.addAll(List.of("-c", mainClass, jobJar.toAbsolutePath().toString()));
        cli.addAll(Arrays.asList(args));
        String output = flink(cli);
        Matcher m = JOB_ID.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + output);
        }
        return m.group(1);
    }

    /**
     * {@code flink stop -p DIR jobId}: stops the job with a savepoint in {@code savepointDir} (the sources stop, every
     * sink commits, then the state is written) and returns the savepoint's path, for {@code flink run -s}.
     */
    public String stopWithSavepoint(String jobId, Path savepointDir) {
        String output = flink(List.of("stop", "-m", restAddress(), "-p", savepointDir.toUri().toString(), jobId));
        Matcher m = SAVEPOINT_PATH.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("flink stop printed no savepoint path:\n" + output);
        }
        return m.group(1);
    }

    /** Runs Flink's command line client ({@code bin/flink} with these arguments); its output, or a failure. */
    private String flink(List<String> cli) {
        Path log = dir.resolve("flink-" + cli.get(0) + "-" + System.nanoTime() + ".out");
        // CliFrontend finds its configuration in ./conf of its working folder, as bin/flink does.
        ChildProcess client = ChildJvm.named("flink-" + cli.get(0))
                .classpath(ServerDists.classpath(ServerDists.Server.FLINK))
                .jvmArgs("-Xmx512m").jvmArgs(JAVA17_FLAGS)
                .jvmArgs("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri(),
                        "-Dlog.file=" + dir.resolve("client.log"))
                .mainClass("org.apache.flink.client.cli.CliFrontend").args(cli.toArray(String[]::new))
                .workDir(dir, false).logFile(log).start();
        int exit;
        try {
            exit = client.awaitExit(Duration.ofMinutes(3));
        } catch (IOException e) {
            client.stop(Duration.ZERO);
            throw new IllegalStateException("flink " + cli.get(0) + " did not finish within 3 minutes:\n"
                    + client.logTail(40), e);
        }
        String output = client.logTail(200);
        if (exit != 0) {
            throw new IllegalStateException("flink " + cli.get(0) + " failed (exit " + exit + "):\n" + output);
        }
        return output;
    }

    /** The job's state as the REST API says it (RUNNING, FAILED, ...). */
    public String jobState(String jobId) {
        String body = get("/jobs/" + jobId);
        Matcher m = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "UNKNOWN";
    }

    /** The largest parallelism of the job's vertices, as the REST API says it. */
    public int maxVertexParallelism(String jobId) {
        Matcher m = Pattern.compile("\"parallelism\"\\s*:\\s*(\\d+)").matcher(get("/jobs/" + jobId));
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    public void cancel(String jobId) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://" + restAddress() + "/jobs/" + jobId + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lines of the JobManager's log that contain {@code text} (for a failed test's message). */
    public String jobManagerLogLines(String text) {
        try (var lines = java.nio.file.Files.lines(dir.resolve("jobmanager.log"))) {
            return String.join("\n", lines.filter(l -> l.contains(text)).toList());
        } catch (IOException e) {
            return "(no JobManager log: " + e + ")";
        }
    }

    /** The last lines of the TaskManager's log (for a failed test's message). */
    public String taskManagerLogTail(int lines) {
        return LogFiles.tail(dir.resolve("taskmanager.log"), lines);
    }

    private void awaitTaskManager(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive() || !taskManager.isAlive()) {
                throw new IllegalStateException("a Flink process exited:\n" + jobManager.logTail(30) + "\n"
                        + LogFiles.tail(dir.resolve("jobmanager.log"), 30) + "\n" + taskManager.logTail(30));
            }
            try {
                if (get("/overview").matches("(?s).*\"taskmanagers\"\\s*:\\s*[1-9].*")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the REST endpoint is not up yet
            }
            sleep(300);
        }
        throw new IllegalStateException("no TaskManager registered within " + timeout + ":\n"
                + LogFiles.tail(dir.resolve("jobmanager.log"), 30));
    }

    private String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs BashJavaUtils as taskmanager.sh does: line 1 of its result is the JVM flags, line 2 the dynamic config. */
    private static String[] taskManagerParams(Path dir, List<Path> cp) {
        ChildProcess utils = ChildJvm.named("flink-tm-params").classpath(cp).jvmArgs("-Xmx128m")
                .mainClass("org.apache.flink.runtime.util.bash.BashJavaUtils")
                .args("GET_TM_RESOURCE_PARAMS", "--configDir", dir.resolve("conf").toString())
                .workDir(dir, false).logFile(dir.resolve("tm-params.out")).start();
        try {
            if (utils.awaitExit(Duration.ofSeconds(60)) != 0) {
                throw new IllegalStateException("BashJavaUtils failed:\n" + utils.logTail(30));
            }
        } catch (IOException e) {
            utils.stop(Duration.ZERO);
            throw new IllegalStateException("BashJavaUtils did not finish", e);
        }
        List<String> results = utils.logTail(50).lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.size() < 2) {
            throw new IllegalStateException("unexpected BashJavaUtils output:\n" + utils.logTail(30));
        }
        return new String[] {results.get(0), results.get(1)};
    }

    private static void writeConfig(Path dir, int rpcPort, int restPort, int slots) {
        String config = String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.memory.process.size: 1728m",
                "taskmanager.numberOfTaskSlots: " + slots,
                "parallelism.default: 1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "blob.server.port: 0",
                "taskmanager.rpc.port: 0",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 3",
                "restart-strategy.fixed-delay.delay: 2 s",
                "");
        String log4j = String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.append = true",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "");
        try {
            Files.writeString(dir.resolve("conf/config.yaml"), config);
            Files.writeString(dir.resolve("conf/log4j.properties"), log4j);
            Files.writeString(dir.resolve("conf/log4j-cli.properties"), log4j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        taskManager.stop(Duration.ofSeconds(10));
        jobManager.stop(Duration.ofSeconds(10));
        OrphanReaper.deleteTree(dir);
    }
}
