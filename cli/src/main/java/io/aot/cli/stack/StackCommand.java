package io.aot.cli.stack;

import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.LocalStack;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aot stack}: real Kafka and Cassandra on 127.0.0.1 with the platform's topics and tables, until Ctrl-C. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Run real Kafka and Cassandra on 127.0.0.1 with the platform's topics and tables",
            "",
            "Starts Kafka (KRaft) and Cassandra 5.0 as child JVMs, creates the topics and tables, prints how to",
            "connect, and runs until Ctrl-C. With --check: starts both, round-trips one Avro record through Kafka",
            "and one row through Cassandra, stops everything, and exits 0 only if all of it worked."})
public final class StackCommand implements Callable<Integer> {

    @Option(names = "--check", description = "Self-test the stack, then stop it.")
    boolean check;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Kafka listener port (0 = a free one).")
    int kafkaPort;

    @Option(names = "--cassandra-port", defaultValue = "0", description = "Cassandra CQL port (0 = a free one).")
    int cassandraPort;

    @Option(names = "--data-dir", description = "Keep data here across runs (default: a temporary folder, deleted).")
    Path dataDir;

    @Option(names = "--namespace", defaultValue = "",
            description = "Prefix for topic names (default none: aot.terminal.tx.v1, ...).")
    String namespace;

    @Option(names = "--replication", defaultValue = "simple:1",
            description = "Keyspace replication: simple:N or dc:N[,dc:N] (default ${DEFAULT-VALUE}).")
    String replication;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        KafkaBroker.Options kafkaOptions = KafkaBroker.Options.defaults().withPort(kafkaPort);
        CassandraNode.Options cassandraOptions = CassandraNode.Options.defaults().withNativePort(cassandraPort);
        if (dataDir != null) {
            kafkaOptions = kafkaOptions.withDataDir(dataDir.resolve("kafka"));
            cassandraOptions = cassandraOptions.withDataDir(dataDir.resolve("cassandra"));
        }
        if (check) {
            return new StackCheck(out).run(kafkaOptions, cassandraOptions) ? 0 : 1;
        }
        Replication keyspaceReplication = Replication.parse(replication);
        out.println("Starting Kafka (KRaft) and Cassandra 5.0 as child JVMs on 127.0.0.1 ...");
        LocalStack stack = LocalStack.start(kafkaOptions, cassandraOptions, out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Kafka and Cassandra ...");
            stack.close();
            stopped.countDown();
        }, "aot-stack-stop"));
        StackReport.servers(out, stack);
        StackProvisioning.createTopics(out, stack.kafka(), namespace);
        for (Keyspace k : Keyspace.values()) {
            StackProvisioning.applyDdl(out, stack.cassandra(), k, k.defaultName(), keyspaceReplication);
        }
        StackReport.howToConnect(out, stack, namespace);
        out.println("Running. Ctrl-C stops both servers" + (dataDir == null ? " and deletes their data." : "."));
        while (stack.kafka().isAlive() && stack.cassandra().isAlive()) {
            Thread.sleep(Duration.ofSeconds(1).toMillis());
        }
        System.err.println("A server exited on its own: kafka alive=" + stack.kafka().isAlive() + ", cassandra alive="
                + stack.cassandra().isAlive() + ". Logs: " + stack.kafka().dataDir() + ", " + stack.cassandra().dataDir());
        return 1;
    }
}
