package io.aot.cli.terminals;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.cli.connect.CassandraConsistency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.errors.UsageException;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ledger.terminal.Terminal;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aot terminals register|register-fleet|list|revoke}: the terminal registry in Cassandra. */
@Command(name = "terminals", mixinStandardHelpOptions = true,
        description = "Register, list and revoke payment terminals (Cassandra aot_ledger.terminals).",
        subcommands = {TerminalsCommand.Register.class, TerminalsCommand.RegisterFleet.class, TerminalsCommand.ListTerminals.class,
            TerminalsCommand.Revoke.class})
public final class TerminalsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: register, register-fleet, list, revoke");
    }

    /** Where the registry lives; the DDL is applied idempotently first, so a fresh cluster works. */
    static final class Target {
        @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042", description = "host:port (default ${DEFAULT-VALUE})")
        String cassandra;

        @Option(names = "--datacenter", defaultValue = "datacenter1")
        String datacenter;

        @Option(names = "--keyspace", defaultValue = "aot_ledger")
        String keyspace;

        @Option(names = "--replication", defaultValue = "simple:1",
                description = "simple:N or dc:N[,dc:N]; used only if the keyspace does not exist yet (default ${DEFAULT-VALUE}).")
        String replication;

        @Mixin
        CassandraConsistency consistency;

        TerminalRegistry open() {
            Replication keyspaceReplication;
            try {
                keyspaceReplication = Replication.parse(replication);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--replication: " + e.getMessage());
            }
            CqlSession session = CassandraSessions.open(cassandra, datacenter);
            try {
                CqlSchema.apply(Keyspace.LEDGER, keyspace, keyspaceReplication, session::execute);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            return TerminalRegistry.owning(session, keyspace, consistency.level());
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register (or re-register) one terminal.")
    static final class Register implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--id", required = true) String id;
        @Option(names = "--merchant", required = true) String merchant;
        @Option(names = "--merchant-name", defaultValue = "") String merchantName;
        @Option(names = "--category", required = true, description = "Merchant category, e.g. CAFE") MerchantCategory category;
        @Option(names = "--region", required = true, description = "Sido, e.g. SEOUL") Region region;
        @Option(names = "--acquirer", required = true) String acquirer;
        @Option(names = "--key-id", required = true) String keyId;
        @Option(names = "--algorithm", defaultValue = "ED25519", description = "ED25519 or ECDSA_P256_SHA256")
        SignatureAlgorithm algorithm;
        @Option(names = "--public-key", required = true,
                description = "Hex: Ed25519 32 bytes; P-256 SEC1 point (33 or 65 bytes)") String publicKeyHex;

        @Override
        public Integer call() {
            byte[] publicKey;
            try {
                publicKey = HexFormat.of().parseHex(publicKeyHex);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--public-key: " + e.getMessage());
            }
            Terminal t = new Terminal(id, merchant, merchantName, category.name(), region.name(), acquirer, keyId, algorithm,
                    publicKey, Terminal.Status.ACTIVE, Instant.now(), null);
            try (TerminalRegistry registry = target.open()) {
                registry.register(t);
            }
            System.out.println("registered " + id + " (" + algorithm + ", merchant " + merchant + ")");
            return 0;
        }
    }

    @Command(name = "register-fleet", mixinStandardHelpOptions = true,
            description = "Register every terminal of the simulated fleet of a seed (same flags as aot simulate).")
    static final class RegisterFleet implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--merchants", defaultValue = "2000") int merchants;
        @Option(names = "--customers", defaultValue = "50000") int customers;

        @Override
        public Integer call() {
            List<Terminal> terminals = Fleet.generate(seed, merchants, customers).registrations(Instant.now());
            try (TerminalRegistry registry = target.open()) {
                terminals.forEach(registry::register);
            }
            System.out.printf("registered %,d terminals of the simulated fleet (seed %d, %d merchants)%n",
                    terminals.size(), seed, merchants);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List terminals, one per line.")
    static final class ListTerminals implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--merchant") String merchant;
        @Option(names = "--limit", defaultValue = "1000") int limit;

        @Override
        public Integer call() {
            try (TerminalRegistry registry = target.open()) {
                List<Terminal> terminals = registry.list(Optional.ofNullable(merchant), limit);
                System.out.printf("%-20s %-10s %-8s %-20s %-10s %-18s %s%n", "TERMINAL", "MERCHANT", "STATUS",
                        "CATEGORY/REGION", "ACQUIRER", "ALGORITHM", "KEY ID");
                for (Terminal t : terminals) {
                    System.out.printf("%-20s %-10s %-8s %-20s %-10s %-18s %s%n", t.terminalId(), t.merchantId(),
                            t.status(), t.merchantCategory() + "/" + t.region(), t.acquirerId(), t.algorithm(), t.keyId());
                }
                System.out.printf("%,d terminals%s%n", terminals.size(), terminals.size() == limit ? " (limit reached)" : "");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a terminal: its signatures are refused from now on; the row stays for audit.")
    static final class Revoke implements Callable<Integer> {
        @Mixin Target target;
        @Parameters(paramLabel = "TERMINAL_ID") String id;

        @Override
        public Integer call() {
            try (TerminalRegistry registry = target.open()) {
                if (!registry.revoke(id, Instant.now())) {
                    System.err.println("aot terminals revoke: no terminal " + id);
                    return 2;
                }
            }
            System.out.println("revoked " + id);
            return 0;
        }
    }
}
