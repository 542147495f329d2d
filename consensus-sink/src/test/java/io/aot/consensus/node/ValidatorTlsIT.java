package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.storage.StartRefusedException;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four validator processes with TLS ({@code aot validator init --tls}): peer links over mutual TLS with the signed
 * handshake inside, the RPC ports over TLS. The chain commits and the four agree; an RPC client that trusts the
 * consortium CA reads it, a plain-TCP client and one trusting another CA are refused; a home with only some of its TLS
 * files refuses to start.
 */
class ValidatorTlsIT {

    private static final String CHAIN = "aot-tls-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ChildProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void validatorsCommitOverTlsAndRefuseClientsWithoutTheConsortiumCa() throws Exception {
        Testnet.Layout layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(500, 250, 250, 100, 250, 100, 50));
        Testnet.issueTls(layout);
        for (Path home : layout.homes()) {
            processes.add(start(home));
        }
        SSLContext trusting = NodeTls.clientContext(dir.resolve("consortium-ca.crt"));
        long height = awaitHeight(layout, 0, trusting, 5);
        for (int i = 1; i < 4; i++) {
            awaitHeight(layout, i, trusting, 5);
        }
        Hash reference = null;
        for (int i = 0; i < 4; i++) {
            try (ValidatorClient c = new ValidatorClient(CHAIN, rpc(layout, i), Duration.ofSeconds(5), trusting)) {
                Hash id = c.block(5).block().id();
                reference = reference == null ? id : reference;
                assertThat(id).as("validator %d agrees on height 5", i).isEqualTo(reference);
            }
        }
        assertThat(height).isGreaterThanOrEqualTo(5);

        assertThatThrownBy(() -> {
            try (ValidatorClient plain = new ValidatorClient(CHAIN, rpc(layout, 0), Duration.ofSeconds(5))) {
                plain.latestHeight();
            }
        }).as("plain TCP to a TLS port").isInstanceOf(IOException.class);

        // The JVM-wide client setting, as the Flink jobs use it: the batch submitter (the ConsensusSink's) and a
        // default client (BlockSource's, audit's) reach the TLS validators with -Daot.rpc.tls-ca alone.
        System.setProperty(ValidatorClient.TLS_CA_PROPERTY, dir.resolve("consortium-ca.crt").toString());
        try {
            List<byte[]> txs = List.of("tls-a=1".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "tls-b=2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (var submitter = new io.aot.consensus.client.BatchSubmitter(CHAIN,
                    layout.rpcPorts().stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList(),
                    NodeConfig.readKey(layout.endorserKey()), WAIT)) {
                submitter.submit(txs);
            }
            assertThat(awaitCommitted(layout, txs)).as("submitted over TLS and committed").isTrue();
        } finally {
            System.clearProperty(ValidatorClient.TLS_CA_PROPERTY);
        }

        Path other = dir.resolve("other");
        Files.createDirectories(other);
        NodeTls.issueTestnet(other, List.of(other.resolve("nodeX")));
        SSLContext stranger = NodeTls.clientContext(other.resolve("consortium-ca.crt"));
        assertThatThrownBy(() -> {
            try (ValidatorClient c = new ValidatorClient(CHAIN, rpc(layout, 0), Duration.ofSeconds(5), stranger)) {
                c.latestHeight();
            }
        }).as("a client trusting another CA").isInstanceOf(IOException.class);
    }

    @Test
    void aHomeWithOnlySomeTlsFilesRefusesToStart() throws Exception {
        Testnet.Layout layout = Testnet.init(dir, 1, FreePorts.allocate(2), CHAIN, TimeoutConfig.defaults());
        Testnet.issueTls(layout);
        Files.delete(layout.homes().get(0).resolve("tls/node.key"));
        assertThatThrownBy(() -> NodeTls.in(layout.homes().get(0))).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("missing: [node.key]");
    }

    /** Whether every one of {@code txs} is in a block of validator 0 within {@link #WAIT}, read with a default client. */
    private static boolean awaitCommitted(Testnet.Layout layout, List<byte[]> txs) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        java.util.Set<String> wanted = new java.util.HashSet<>();
        txs.forEach(t -> wanted.add(new String(t, java.nio.charset.StandardCharsets.UTF_8)));
        long next = 1;
        try (ValidatorClient c = new ValidatorClient(CHAIN, rpc(layout, 0))) {
            while (!wanted.isEmpty() && System.nanoTime() < deadline) {
                var b = c.block(next);
                if (b == null) {
                    Thread.sleep(100);
                    continue;
                }
                b.block().txs().forEach(t -> wanted.remove(new String(t, java.nio.charset.StandardCharsets.UTF_8)));
                next++;
            }
        }
        return wanted.isEmpty();
    }

    private static InetSocketAddress rpc(Testnet.Layout layout, int i) {
        return new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i));
    }

    private long awaitHeight(Testnet.Layout layout, int i, SSLContext tls, long height) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (ValidatorClient c = new ValidatorClient(CHAIN, rpc(layout, i), Duration.ofSeconds(5), tls)) {
                seen = c.latestHeight();
                if (seen >= height) {
                    return seen;
                }
            } catch (IOException notUpYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("validator " + i + " at height " + seen + ", not " + height + "; log:\n"
                + processes.get(i).logTail(30));
    }

    private ChildProcess start(Path home) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        return ChildJvm.named("tls-it-" + home.getFileName()).classpath(cp).jvmArgs("-Xmx192m", "-XX:+UseSerialGC")
                .mainClass(ValidatorMain.class.getName()).args("--home", home.toString()).workDir(home, false)
                .logFile(dir.resolve(home.getFileName() + ".log")).start();
    }
}
