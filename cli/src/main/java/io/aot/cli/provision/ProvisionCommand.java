package io.aot.cli.provision;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.connect.KafkaProbe;
import io.aot.cli.errors.ExceptionTranslator;
import io.aot.cli.errors.UsageException;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.topics.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aot provision}: the platform's topics and tables on servers it did not start (a real deployment). */
@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Create the platform's Kafka topics and Cassandra keyspaces/tables on existing servers, idempotently.")
public final class ProvisionCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--cassandra", required = true, description = "Cassandra contact point host:port.")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1")
    String datacenter;

    @Option(names = "--replication", defaultValue = "simple:1", description = "simple:N or dc:N[,dc:N] (default ${DEFAULT-VALUE}).")
    String replication;

    @Option(names = "--topic-replicas", defaultValue = "1")
    short topicReplicas;

    @Option(names = "--wait-seconds", defaultValue = "0", description = {"How long to wait for servers that are still "
            + "starting (default ${DEFAULT-VALUE}: fail at once,", "in one line, when one does not answer)."})
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        Replication keyspaceReplication;
        try {
            keyspaceReplication = Replication.parse(replication);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--replication: " + e.getMessage());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        untilDone(deadline, "Kafka at " + bootstrap, () -> {
            KafkaProbe.requireReachable(bootstrap);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                var outcomes = TopicAdmin.ensureTopics(admin, "", topicReplicas, Duration.ofSeconds(30));
                outcomes.forEach(o -> System.out.printf("topic %-40s %2d partitions%s%n", o.topic(), o.partitions(),
                        o.created() ? " (created)" : ""));
            }
        });
        // The driver refreshes schema metadata after each DDL statement, debounced by 1 s by default: a second per
        // CREATE TABLE. Provisioning issues ~30 of them.
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10)).build();
        untilDone(deadline, "Cassandra at " + cassandra, () -> {
            try (CqlSession s = CassandraSessions.open(cassandra, datacenter, config)) {
                for (Keyspace k : Keyspace.values()) {
                    int n = CqlSchema.apply(k, k.defaultName(), keyspaceReplication, s::execute);
                    System.out.printf("keyspace %-20s %d statements applied%n", k.defaultName(), n);
                }
            }
        });
        return 0;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until it succeeds: a server that is still starting fails it until the deadline. */
    private static void untilDone(long deadline, String server, Step step) throws Exception {
        while (true) {
            try {
                step.run();
                return;
            } catch (UsageException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("waiting for " + server + " (" + ExceptionTranslator.reason(e) + ")");
                Thread.sleep(3_000);
            }
        }
    }
}
