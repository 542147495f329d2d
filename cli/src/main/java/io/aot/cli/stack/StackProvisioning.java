package io.aot.cli.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.topics.TopicAdmin;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/** Creates the platform's topics and tables on a running stack, idempotently, and says what it did. */
public final class StackProvisioning {

    private StackProvisioning() {
    }

    public static List<TopicAdmin.Outcome> createTopics(PrintStream out, KafkaBroker kafka, String namespace) throws Exception {
        long t0 = System.nanoTime();
        try (Admin admin = kafka.newAdmin()) {
            List<TopicAdmin.Outcome> outcomes = TopicAdmin.ensureTopics(admin, namespace, (short) 1, Duration.ofSeconds(60));
            long created = outcomes.stream().filter(TopicAdmin.Outcome::created).count();
            out.printf("Topics: %d in the catalog, %d created, %d existed (%d ms)%n", outcomes.size(), created,
                    outcomes.size() - created, millisSince(t0));
            outcomes.forEach(o -> out.printf("  %-40s %2d partitions%n", o.topic(), o.partitions()));
            return outcomes;
        }
    }

    public static int applyDdl(PrintStream out, CassandraNode cassandra, Keyspace keyspace, String name, Replication replication) {
        long t0 = System.nanoTime();
        try (CqlSession session = cassandra.newSession()) {
            int statements = CqlSchema.apply(keyspace, name, replication, session::execute);
            out.printf("Keyspace %-28s %2d tables, replication %s (%d ms)%n", name, statements - 1, replication,
                    millisSince(t0));
            return statements;
        }
    }

    static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
