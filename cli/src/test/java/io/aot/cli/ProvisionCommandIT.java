package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.topics.Topic;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code aot provision} on servers it did not start: every catalog topic and keyspace, and again without harm. */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class ProvisionCommandIT {

    @Test
    void createsTheCatalogAndIsIdempotent(KafkaBroker kafka, CassandraNode cassandra) throws Exception {
        for (int run = 0; run < 2; run++) {
            assertThat(Main.commandLine().execute("provision", "--bootstrap", kafka.bootstrapServers(),
                    "--cassandra", cassandra.contactPoint())).isZero();
        }
        try (Admin admin = kafka.newAdmin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).containsAll(Arrays.stream(Topic.values()).map(Topic::baseName).toList());
        }
        try (CqlSession s = cassandra.newSession()) {
            Set<String> keyspaces = new HashSet<>();
            s.execute("SELECT keyspace_name FROM system_schema.keyspaces").forEach(r -> keyspaces.add(r.getString(0)));
            assertThat(keyspaces).containsAll(Arrays.stream(Keyspace.values()).map(Keyspace::defaultName).toList());
            assertThat(s.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'aot_ledger'").all())
                    .hasSizeGreaterThan(5);
        }
    }
}
