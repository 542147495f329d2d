package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.Money;
import io.aot.avro.TerminalPayment;
import io.aot.consensus.client.BatchSubmitter;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aot audit} on a real chain: payments go straight to 4 validator processes (which, by design, do not re-check
 * device signatures), one of them tampered after signing; the audit re-verifies every signature and names exactly it.
 */
@ExtendWith(CassandraExtension.class)
class AuditCommandIT {

    private static final String CHAIN = "aot-audit-it";

    @TempDir
    Path dir;

    private final List<ChildProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
    }

    @Test
    void theAuditFindsTheTamperedPaymentAndOnlyIt(CassandraNode cassandra) throws Exception {
        Instant day = Instant.parse("2026-11-22T15:00:00Z");
        Fleet fleet = Fleet.generate(5, 20, 200);
        String keyspace = "aot_ledger_audit_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace);
            fleet.registrations(day).forEach(registry::register);
        }
        Testnet.Layout net = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200), fleet.ledgerGenesis(1000));
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
        for (int i = 0; i < 4; i++) {
            nodes.add(ChildJvm.named("audit-validator" + i).classpath(cp).jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                    .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                    .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
        }

        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        PaymentSimulator sim = new PaymentSimulator(fleet, 5, 40, day, 0);
        List<byte[]> txs = new ArrayList<>();
        TerminalPayment victim = null;
        while (sim.hasNext()) {
            TerminalPayment p = sim.next().payment();
            txs.add(codec.encode(p));
            victim = p;
        }
        TerminalPayment tampered = TerminalPayment.newBuilder(victim).setTxId("tampered-1")
                .setAmount(new Money(victim.getAmount().getAmountMinor().add(BigDecimal.TEN), victim.getAmount()
                        .getCurrency())).build();
        txs.add(codec.encode(tampered));
        List<InetSocketAddress> validators = net.rpcPorts().stream().map(p -> new InetSocketAddress("127.0.0.1", p))
                .toList();
        try (BatchSubmitter submitter = new BatchSubmitter(CHAIN, validators, NodeConfig.readKey(net.endorserKey()),
                Duration.ofSeconds(60))) {
            assertThat(submitter.submit(txs).accepted()).isTrue();
        }
        long height = awaitTxs(net.rpcPorts().get(1), txs.size());

        String[] args = {"audit", "--validator", "127.0.0.1:" + net.rpcPorts().get(1), "--genesis",
            net.homes().get(0).resolve("genesis.properties").toString(), "--from", "1", "--to", Long.toString(height),
            "--cassandra", cassandra.contactPoint(), "--keyspace", keyspace};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.print(report);
        assertThat(exit).isEqualTo(1);
        assertThat(report.lines().filter(l -> l.startsWith("FINDING"))).singleElement().asString()
                .contains("tampered-1: BAD_SIGNATURE");
        assertThat(report).contains(txs.size() + " terminal payments");
    }

    /**
     * {@code aot receipt}: a real receipt verifies, offline too; each kind of tampering (transaction, proof,
     * certificate, named id) and a certificate checked against other signers' genesis fail with the check at fault.
     */
    @Test
    void receiptsVerifyAndEveryTamperingFails(CassandraNode cassandra) throws Exception {
        Instant day = Instant.parse("2026-11-22T15:00:00Z");
        Fleet fleet = Fleet.generate(6, 20, 200);
        Testnet.Layout net = Testnet.init(dir.resolve("net"), 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200), fleet.ledgerGenesis(1000));
        Testnet.Layout strangers = Testnet.init(dir.resolve("strangers"), 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200), fleet.ledgerGenesis(1000));
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
        for (int i = 0; i < 4; i++) {
            nodes.add(ChildJvm.named("receipt-validator" + i).classpath(cp).jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                    .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                    .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
        }
        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        PaymentSimulator sim = new PaymentSimulator(fleet, 6, 30, day, 0);
        List<byte[]> txs = new ArrayList<>();
        while (sim.hasNext()) {
            txs.add(codec.encode(sim.next().payment()));
        }
        String txId = codec.decode(txs.get(17)).getTxId();
        try (BatchSubmitter submitter = new BatchSubmitter(CHAIN, net.rpcPorts().stream()
                .map(p -> new InetSocketAddress("127.0.0.1", p)).toList(), NodeConfig.readKey(net.endorserKey()),
                Duration.ofSeconds(60))) {
            assertThat(submitter.submit(txs).accepted()).isTrue();
        }
        long top = awaitTxs(net.rpcPorts().get(2), txs.size());
        long height = 0;
        int index = -1;
        try (ValidatorClient c = new ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", net.rpcPorts().get(2)))) {
            for (long h = 1; h <= top && index < 0; h++) {
                List<byte[]> block = c.block(h).block().txs();
                for (int i = 0; i < block.size(); i++) {
                    if (Arrays.equals(block.get(i), txs.get(17))) {
                        height = h;
                        index = i;
                    }
                }
            }
        }
        assertThat(index).isNotNegative();
        String genesis = net.homes().get(0).resolve("genesis.properties").toString();
        Path file = dir.resolve("payment.receipt");
        Run fetched = run("receipt", txId, "--validator", "127.0.0.1:" + net.rpcPorts().get(3), "--genesis", genesis,
                "--height", Long.toString(height), "--index", Integer.toString(index), "--out", file.toString());
        assertThat(fetched.exit()).isZero();
        assertThat(fetched.out()).contains("verdict       VALID", txId);
        assertThat(run("receipt", "--verify", file.toString(), "--genesis", genesis).exit()).isZero();

        // Without --height/--index the receipt finds the transaction through Cassandra's transactions_by_id, the row
        // LedgerStoreJob writes (here written by hand: the store job has its own end-to-end test).
        String ledgerKeyspace = "aot_ledger_receipt_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, ledgerKeyspace, Replication.simple(1), s::execute);
            s.execute(s.prepare("INSERT INTO " + ledgerKeyspace + ".transactions_by_id (tx_id, height, index_in_block)"
                    + " VALUES (?, ?, ?)").bind(txId, height, index));
        }
        Run looked = run("receipt", txId, "--validator", "127.0.0.1:" + net.rpcPorts().get(1), "--genesis", genesis,
                "--cassandra", cassandra.contactPoint(), "--keyspace", ledgerKeyspace);
        assertThat(looked.exit()).isZero();
        assertThat(looked.out()).contains("verdict       VALID", txId, "height " + height + ", index " + index);
        assertThat(run("receipt", "no-such-tx", "--validator", "127.0.0.1:" + net.rpcPorts().get(1), "--genesis",
                genesis, "--cassandra", cassandra.contactPoint(), "--keyspace", ledgerKeyspace).exit())
                .as("an unknown transaction id").isEqualTo(2);

        assertThat(tampered(file, "tx", genesis)).contains("INVALID at MERKLE_PROOF");
        assertThat(tampered(file, "proof.aunts", genesis)).contains("INVALID at MERKLE_PROOF");
        assertThat(tampered(file, "certificate", genesis)).contains("INVALID at CERTIFICATE");
        java.util.Properties p = load(file);
        p.setProperty("tx_id", "someone-elses-tx");
        Path renamed = store(p, "renamed.receipt");
        assertThat(run("receipt", "--verify", renamed.toString(), "--genesis", genesis).out())
                .contains("INVALID at TX_ID");
        Run otherSigners = run("receipt", "--verify", file.toString(), "--genesis",
                strangers.homes().get(0).resolve("genesis.properties").toString());
        assertThat(otherSigners.exit()).isEqualTo(1);
        assertThat(otherSigners.out()).contains("INVALID at CERTIFICATE", "bad signature from validator");
    }

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(args);
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    /** Flips one hex digit in the middle of a field's last value and verifies; returns what the command printed. */
    private String tampered(Path receipt, String field, String genesis) throws Exception {
        java.util.Properties p = load(receipt);
        String v = p.getProperty(field);
        int at = field.equals("certificate") ? v.length() - 10 : v.length() / 2;
        while (v.charAt(at) == ',') {
            at++; // a hex digit, not the separator between aunts
        }
        char flipped = v.charAt(at) == '0' ? '1' : '0';
        p.setProperty(field, v.substring(0, at) + flipped + v.substring(at + 1));
        Run r = run("receipt", "--verify", store(p, field + ".receipt").toString(), "--genesis", genesis);
        assertThat(r.exit()).as(field).isEqualTo(1);
        return r.out();
    }

    private static java.util.Properties load(Path file) throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (var r = java.nio.file.Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private Path store(java.util.Properties p, String name) throws Exception {
        Path f = dir.resolve(name);
        try (var w = java.nio.file.Files.newBufferedWriter(f)) {
            p.store(w, null);
        }
        return f;
    }

    /** Waits until validator at {@code rpcPort} committed at least {@code n} transactions; returns the height. */
    private static long awaitTxs(int rpcPort, int n) throws Exception {
        Duration wait = Duration.ofSeconds(90);
        long deadline = System.nanoTime() + wait.toNanos();
        long seen = 0;
        long height = 0;
        try (ValidatorClient c = ValidatorClient.connect(CHAIN, new InetSocketAddress("127.0.0.1", rpcPort), wait)) {
            while (seen < n && System.nanoTime() < deadline) {
                var b = c.block(height + 1);
                if (b == null) {
                    Thread.sleep(100);
                    continue;
                }
                height++;
                seen += b.block().txs().size();
            }
        }
        assertThat(seen).as("transactions committed").isGreaterThanOrEqualTo(n);
        return height;
    }
}
