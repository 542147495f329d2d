package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ledger.terminal.Terminal;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code aot terminals} against a real Cassandra: the fleet registers, lists, and a revoke sticks. */
@ExtendWith(CassandraExtension.class)
class TerminalsCommandIT {

    @Test
    void registerFleetListAndRevoke(CassandraNode cassandra) {
        String keyspace = "aot_ledger_cli_" + Long.toHexString(System.nanoTime());
        String[] target = {"--cassandra", cassandra.contactPoint(), "--keyspace", keyspace};

        assertThat(run("terminals", "register-fleet", "--seed", "9", "--merchants", "30", "--customers", "100",
                target[0], target[1], target[2], target[3])).isZero();
        String listing = capture("terminals", "list", "--merchant", "M000001", target[0], target[1], target[2], target[3]);
        assertThat(listing).contains("M000001-T0").contains("ACTIVE");

        assertThat(run("terminals", "revoke", "M000001-T0", target[0], target[1], target[2], target[3])).isZero();
        assertThat(run("terminals", "revoke", "NOPE-T0", target[0], target[1], target[2], target[3])).isEqualTo(2);
        assertThat(run("terminals", "register", "--id", "BAD", "--merchant", "M1", "--category", "NOT_A_CATEGORY",
                "--region", "SEOUL", "--acquirer", "A", "--key-id", "k", "--public-key", "00",
                target[0], target[1], target[2], target[3])).isEqualTo(2); // picocli: invalid enum value

        try (TerminalRegistry registry = TerminalRegistry.connect(cassandra.address(), CassandraNode.LOCAL_DATACENTER,
                keyspace)) {
            assertThat(registry.find("M000001-T0").orElseThrow().status()).isEqualTo(Terminal.Status.REVOKED);
            assertThat(registry.list(Optional.empty(), 10_000)).hasSizeGreaterThanOrEqualTo(30);
        }
    }

    private static int run(String... args) {
        return Main.commandLine().execute(args);
    }

    private static String capture(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
