package io.aot.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Cassandra 5.0 node in a child JVM on 127.0.0.1, from the jars the build put in
 * {@code servers/cassandra-server/target/lib}. Ready when a driver session runs a query.
 */
public final class CassandraNode implements AutoCloseable {

    /** SimpleSnitch puts the node in this data center; the 4.x driver must be told it. */
    public static final String LOCAL_DATACENTER = "datacenter1";

    /** How to start a node. Port 0 picks a free one; a null data folder means a temporary one, deleted on close. */
    public record Options(int nativePort, Path dataDir, int heapMb, Duration startTimeout) {
        public static Options defaults() {
            return new Options(0, null, 1024, Duration.ofSeconds(150));
        }

        public Options withNativePort(int p) {
            return new Options(p, dataDir, heapMb, startTimeout);
        }

        public Options withDataDir(Path d) {
            return new Options(nativePort, d, heapMb, startTimeout);
        }
    }

    private static final int MAX_START_ATTEMPTS = 3;

    /** Java 17 module flags Cassandra 5.0 needs (it dies in FileUtils.<clinit> without them); see RECIPE.md. */
    private static final List<String> MODULE_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private final ChildProcess process;
    private final int nativePort;
    private final Path dir;
    private final boolean temporary;
    private final Duration startupTime;

    private CassandraNode(ChildProcess process, int nativePort, Path dir, boolean temporary, Duration startupTime) {
        this.process = process;
        this.nativePort = nativePort;
        this.dir = dir;
        this.temporary = temporary;
        this.startupTime = startupTime;
    }

    public static CassandraNode start() {
        return start(Options.defaults());
    }

    public static CassandraNode start(Options options) {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            try {
                return startOnce(options);
            } catch (PortTakenException e) {
                last = e;
                if (options.nativePort() != 0) {
                    break;
                }
            }
        }
        throw last;
    }

    private static CassandraNode startOnce(Options options) {
        long t0 = System.nanoTime();
        boolean temporary = options.dataDir() == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("aot-cassandra-") : Files.createDirectories(options.dataDir());
            Files.createDirectories(dir.resolve("conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = FreePorts.allocate(2);
        int nativePort = options.nativePort() != 0 ? options.nativePort() : ports[0];
        int storagePort = ports[1];
        Path yaml = dir.resolve("conf").resolve("cassandra.yaml");
        Path logback = dir.resolve("conf").resolve("logback.xml");
        try {
            Files.writeString(yaml, yaml(dir, nativePort, storagePort));
            Files.writeString(logback, logback(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> jvm = new ArrayList<>(List.of(
                "-Xms" + options.heapMb() + "m", "-Xmx" + options.heapMb() + "m", "-XX:+UseG1GC",
                "-Xss512k", "-XX:+PerfDisableSharedMem", "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + yaml.toUri(),
                "-Dlogback.configurationFile=" + logback.toUri(),
                "-Dcassandra.storagedir=" + dir.resolve("data"),
                "-Dcassandra.logdir=" + dir,
                "-Dcassandra-foreground=yes",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.superuser_setup_delay_ms=0",
                // A dev/test node: system and schema tables are not flushed on every DDL statement.
                // A crash may lose recent schema changes; every user of the stack re-applies its DDL idempotently.
                "-Dcassandra.unsafesystem=true",
                "-Dcassandra.test.flush_local_schema_changes=false"));
        jvm.addAll(MODULE_FLAGS);
        List<Path> classpath = new ArrayList<>();
        classpath.add(dir.resolve("conf"));
        classpath.addAll(ServerDists.classpath(ServerDists.Server.CASSANDRA));
        ChildProcess node = ChildJvm.named("cassandra")
                .classpath(classpath)
                .jvmArgs(jvm)
                .mainClass("org.apache.cassandra.service.CassandraDaemon")
                .workDir(dir, temporary).logFile(dir.resolve("stdout.log"))
                .start();
        awaitReady(node, nativePort, dir, options.startTimeout());
        return new CassandraNode(node, nativePort, dir, temporary, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void awaitReady(ChildProcess node, int nativePort, Path dir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!node.isAlive()) {
                    String log = node.logTail(20) + "\n" + LogFiles.tail(dir.resolve("system.log"), 60);
                    node.stop(Duration.ZERO);
                    if (log.contains("Address already in use")) {
                        throw new PortTakenException("Cassandra port taken: " + nativePort);
                    }
                    throw new IllegalStateException("Cassandra exited while starting:\n" + log);
                }
                if (accepts(nativePort)) {
                    try (CqlSession session = session(nativePort, Duration.ofSeconds(5))) {
                        session.execute("SELECT release_version FROM system.local");
                        return;
                    } catch (RuntimeException e) {
                        // native transport opens before the node serves queries
                    }
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            node.stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Cassandra was starting");
        }
        String log = LogFiles.tail(dir.resolve("system.log"), 60);
        node.stop(Duration.ZERO);
        throw new IllegalStateException("Cassandra not ready within " + timeout + ":\n" + log);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static CqlSession session(int port, Duration requestTimeout) {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", port))
                .withLocalDatacenter(LOCAL_DATACENTER)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                        // schema changes wait for agreement; one node agrees with itself quickly
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                        // The driver refreshes its schema metadata after every DDL statement and waits for it; the
                        // default 1 s debounce window made each CREATE TABLE take a second.
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
                        .build())
                .build();
    }

    static String yaml(Path dir, int nativePort, int storagePort) {
        return String.join("\n",
                "cluster_name: aot-local",
                "num_tokens: 1",
                "initial_token: 0",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "endpoint_snitch: SimpleSnitch",
                "data_file_directories:",
                "  - " + dir.resolve("data").resolve("data"),
                "commitlog_directory: " + dir.resolve("data").resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("data").resolve("saved_caches"),
                "hints_directory: " + dir.resolve("data").resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("data").resolve("cdc_raw"),
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                // Tests create and drop keyspaces often: no snapshot on drop/truncate.
                "auto_snapshot: false",
                "concurrent_compactors: 1",
                "");
    }

    private static String logback(Path dir) {
        return """
                <configuration scan="false">
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(dir.resolve("system.log"));
    }

    public String contactPoint() {
        return "127.0.0.1:" + nativePort;
    }

    public int nativePort() {
        return nativePort;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", nativePort);
    }

    /** A new driver session (4.x) to this node; the caller closes it. */
    public CqlSession newSession() {
        return session(nativePort, Duration.ofSeconds(20));
    }

    public Duration startupTime() {
        return startupTime;
    }

    public long pid() {
        return process.pid();
    }

    public long residentMemoryMib() {
        return process.residentMemoryMib();
    }

    public Path dataDir() {
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
        if (temporary) {
            OrphanReaper.deleteTree(dir);
        }
    }
}
