package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #19 item 10: the commands that read the platform's tables do so at LOCAL_QUORUM unless told otherwise
 * ({@code --cassandra-consistency}). Shown on one node with keyspaces of replication factor 3, where a quorum (2
 * replicas) is unavailable: at the default every read is refused, naming the level and the option; at LOCAL_ONE the
 * same reads run. Before, they ran at the driver's LOCAL_ONE and a receipt could miss an acknowledged row.
 */
@ExtendWith(CassandraExtension.class)
class ReadConsistencyIT {

    @Test
    void readersDefaultToLocalQuorumAndTakeTheOption(CassandraNode cassandra, @TempDir Path dir) {
        String suffix = Long.toHexString(System.nanoTime());
        String ledger = "aot_ledger_rf3_" + suffix;
        String analytics = "aot_analytics_rf3_" + suffix;
        String ads = "aot_ads_rf3_" + suffix;
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, ledger, Replication.simple(3), s::execute);
            CqlSchema.apply(Keyspace.ANALYTICS, analytics, Replication.simple(3), s::execute);
            CqlSchema.apply(Keyspace.ADS, ads, Replication.simple(3), s::execute);
        }
        String[][] reads = {
            {"terminals", "list", "--cassandra", cassandra.contactPoint(), "--keyspace", ledger},
            {"report", "--day", "2026-11-23", "--out", dir.toString(), "--cassandra", cassandra.contactPoint(),
                "--keyspace", analytics},
            {"segments", "list", "--cassandra", cassandra.contactPoint(), "--keyspace", ads},
        };
        for (String[] read : reads) {
            Run atDefault = run(read);
            assertThat(atDefault.exit).as(String.join(" ", read)).isEqualTo(1);
            assertThat(atDefault.err).as(String.join(" ", read)).contains("LOCAL_QUORUM")
                    .contains("--cassandra-consistency");

            String[] atOne = java.util.Arrays.copyOf(read, read.length + 2);
            atOne[read.length] = "--cassandra-consistency";
            atOne[read.length + 1] = "LOCAL_ONE";
            Run lowered = run(atOne);
            assertThat(lowered.err).as(String.join(" ", atOne)).doesNotContain("replicas");
        }
        assertThat(run(reads[0]).exit).isEqualTo(1);
        assertThat(run(new String[] {"terminals", "list", "--cassandra", cassandra.contactPoint(), "--keyspace", ledger,
            "--cassandra-consistency", "LOCAL_ONE"}).exit).isZero();
        assertThat(run(new String[] {"terminals", "list", "--cassandra", cassandra.contactPoint(),
            "--cassandra-consistency", "SOMETIMES"}).exit).isEqualTo(2);
    }

    private record Run(int exit, String err) {
    }

    private static Run run(String[] args) {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, err.toString());
    }
}
