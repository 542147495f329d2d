package io.aot.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker + controller, one node) in a child JVM on 127.0.0.1, from the jars the
 * build put in {@code servers/kafka-server/target/lib}. Ready when an AdminClient sees the node.
 */
public final class KafkaBroker implements AutoCloseable {

    /** How to start a broker. Port 0 picks a free one; a null data folder means a temporary one, deleted on close. */
    public record Options(int port, Path dataDir, int heapMb, Duration startTimeout) {
        public static Options defaults() {
            return new Options(0, null, 512, Duration.ofSeconds(90));
        }

        public Options withPort(int p) {
            return new Options(p, dataDir, heapMb, startTimeout);
        }

        public Options withDataDir(Path d) {
            return new Options(port, d, heapMb, startTimeout);
        }
    }

    private static final int MAX_START_ATTEMPTS = 3;

    private final ChildProcess process;
    private final int port;
    private final Path dir;
    private final boolean temporary;
    private final Duration startupTime;

    private KafkaBroker(ChildProcess process, int port, Path dir, boolean temporary, Duration startupTime) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.temporary = temporary;
        this.startupTime = startupTime;
    }

    public static KafkaBroker start() {
        return start(Options.defaults());
    }

    public static KafkaBroker start(Options options) {
        IllegalStateException last = null;
        // A free port can be taken between choosing and binding; only then is a retry worth it.
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            try {
                return startOnce(options);
            } catch (PortTakenException e) {
                last = e;
                if (options.port() != 0) {
                    break;
                }
            }
        }
        throw last;
    }

    private static KafkaBroker startOnce(Options options) {
        long t0 = System.nanoTime();
        boolean temporary = options.dataDir() == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("aot-kafka-") : Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = FreePorts.allocate(2);
        int port = options.port() != 0 ? options.port() : ports[0];
        int controllerPort = ports[1];
        Path config = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        try {
            Files.writeString(config, serverProperties(dir, port, controllerPort));
            Files.writeString(log4j, log4jProperties(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] jvm = {"-Xms256m", "-Xmx" + options.heapMb() + "m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Dkafka.logs.dir=" + dir};

        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            ChildProcess format = ChildJvm.named("kafka-format")
                    .classpath(ServerDists.classpath(ServerDists.Server.KAFKA))
                    .jvmArgs(jvm).jvmArgs("-Xms64m")
                    .mainClass("kafka.tools.StorageTool")
                    .args("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted")
                    .workDir(dir, temporary).logFile(dir.resolve("format.log"))
                    .start();
            int exit;
            try {
                exit = format.awaitExit(Duration.ofSeconds(60));
            } catch (IOException e) {
                throw new IllegalStateException("formatting Kafka storage timed out", e);
            }
            if (exit != 0) {
                throw new IllegalStateException("formatting Kafka storage failed (exit " + exit + "):\n" + format.logTail(40));
            }
        }

        ChildProcess broker = ChildJvm.named("kafka")
                .classpath(ServerDists.classpath(ServerDists.Server.KAFKA))
                .jvmArgs(jvm)
                .mainClass("kafka.Kafka")
                .args(config.toString())
                .workDir(dir, temporary).logFile(dir.resolve("stdout.log"))
                .start();
        String bootstrap = "127.0.0.1:" + port;
        awaitReady(broker, bootstrap, dir, options.startTimeout());
        return new KafkaBroker(broker, port, dir, temporary, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void awaitReady(ChildProcess broker, String bootstrap, Path dir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    String log = broker.logTail(40) + "\n" + LogFiles.tail(dir.resolve("server.log"), 40);
                    broker.stop(Duration.ZERO);
                    if (log.contains("Address already in use")) {
                        throw new PortTakenException("Kafka port taken: " + bootstrap);
                    }
                    throw new IllegalStateException("Kafka exited while starting:\n" + log);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            broker.stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Kafka was starting");
        }
        String log = LogFiles.tail(dir.resolve("server.log"), 40);
        broker.stop(Duration.ZERO);
        throw new IllegalStateException("Kafka not ready within " + timeout + ":\n" + log);
    }

    static String serverProperties(Path dir, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                // One broker: every internal topic has one replica. Without the transaction-log settings
                // exactly-once producers time out on InitProducerId.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Topics come from the catalog; a typo must fail, not create a stray topic.
                "auto.create.topics.enable=false",
                "message.max.bytes=1048588",
                "num.network.threads=2",
                "num.io.threads=4",
                "");
    }

    private static String log4jProperties(Path dir) {
        return String.join("\n",
                "status = warn",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + dir.resolve("server.log"),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.file.ref = file",
                "logger.kafka.name = kafka",
                "logger.kafka.level = info",
                "logger.state.name = state.change.logger",
                "logger.state.level = warn",
                "");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Minimal client settings to reach this broker; add serializers, group ids etc. on top. */
    public Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    public Admin newAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
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
