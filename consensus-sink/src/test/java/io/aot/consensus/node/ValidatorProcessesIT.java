package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four validator processes over TCP on loopback. One is killed with SIGKILL while clients keep submitting, the other
 * three go on, the killed one restarts from its files, catches up by block sync, and all four end with identical
 * blocks.
 */
class ValidatorProcessesIT {

    private static final String CHAIN = "aot-it";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final ChildProcess[] nodes = new ChildProcess[4];
    private Testnet.Layout layout;
    private final AtomicBoolean submitting = new AtomicBoolean(true);

    @AfterEach
    void stopAll() {
        submitting.set(false);
        for (ChildProcess n : nodes) {
            if (n != null) {
                n.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aKilledValidatorRestartsCatchesUpAndAllAgree() throws Exception {
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200));
        for (int i = 0; i < 4; i++) {
            nodes[i] = start(i);
        }
        KeyPair endorser = NodeConfig.readKey(layout.endorserKey());
        AtomicLong accepted = new AtomicLong();
        Thread client = new Thread(() -> submitLoop(endorser, accepted), "it-client");
        client.setDaemon(true);
        client.start();

        awaitHeights(new int[] {0, 1, 2, 3}, 3);
        ProcessHandle.of(nodes[3].pid()).ifPresent(ProcessHandle::destroyForcibly); // kill -9
        nodes[3].stop(Duration.ofSeconds(5));
        long atKill = height(0);
        awaitHeights(new int[] {0, 1, 2}, atKill + 60); // down for more heights than one block-sync batch (50)

        nodes[3] = start(3);
        long target = height(0) + 3;
        awaitHeights(new int[] {0, 1, 2, 3}, target);
        submitting.set(false);

        long common = Arrays.stream(new int[] {0, 1, 2, 3}).mapToLong(this::heightUnchecked).min().orElseThrow();
        long txs = 0;
        for (long h = 1; h <= common; h++) {
            Hash reference = null;
            for (int i = 0; i < 4; i++) {
                try (ValidatorClient c = client(i)) {
                    WireCodec.CommittedBlock b = c.block(h);
                    assertThat(b).as("node %d has block %d", i, h).isNotNull();
                    if (reference == null) {
                        reference = b.block().id();
                        txs += b.block().txs().size();
                    }
                    assertThat(b.block().id()).as("node %d block %d", i, h).isEqualTo(reference);
                }
            }
        }
        assertThat(txs).as("client transactions were committed").isGreaterThan(0);
        assertThat(accepted.get()).isGreaterThan(0);
        System.out.printf("4 validators agree on %d blocks, %d txs; node 3 was killed at height %d%n", common, txs, atKill);

        checkProofsAndStream(common);
    }

    /**
     * The payment ledger on 4 validator processes, fed by a batch submitter whose validator is killed right after it
     * acknowledged a batch: the submitter fails over and sends nothing twice, yet every payment is committed (the
     * acknowledgement meant that a second validator held the batch), with one app hash on every validator.
     */
    @Test
    void theLedgerRunsOnTheValidatorsAndTheSubmitterFailsOver() throws Exception {
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN, new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200),
                new io.aot.ledger.state.LedgerGenesis(java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
                        List.of(), io.aot.ledger.rules.Rate.of(1, 1000), io.aot.ledger.rules.Rate.of(1, 1)));
        for (int i = 0; i < 4; i++) {
            nodes[i] = start(i);
        }
        KeyPair endorser = NodeConfig.readKey(layout.endorserKey());
        List<InetSocketAddress> addresses = layout.rpcPorts().stream()
                .map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
        var codec = io.aot.schemas.serde.AvroCodec.of(io.aot.avro.TerminalPayment.class);
        int batches = 30;
        int perBatch = 50;
        int killed;
        try (var submitter = new io.aot.consensus.client.BatchSubmitter(CHAIN, addresses, endorser, WAIT)) {
            killed = -1;
            long failoversBeforeKill = 0;
            for (int b = 0; b < batches; b++) {
                if (b == 10) {
                    killed = submitter.currentValidator(); // the one it talks to, right after it acknowledged
                    failoversBeforeKill = submitter.failovers();
                    ProcessHandle.of(nodes[killed].pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < perBatch; i++) {
                    batch.add(codec.encode(payment("tx-" + b + "-" + i, b * perBatch + i)));
                }
                assertThat(submitter.submit(batch).accepted()).isTrue();
            }
            assertThat(submitter.failovers()).as("lost validator %d and moved on", killed)
                    .isGreaterThan(failoversBeforeKill);
        }
        nodes[killed].stop(Duration.ZERO);
        nodes[killed] = start(killed);

        java.util.Set<String> committed = new java.util.HashSet<>();
        long next = 1;
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (ValidatorClient c = client((killed + 1) % 4)) {
            while (committed.size() < batches * perBatch && System.nanoTime() < deadline) {
                WireCodec.CommittedBlock b = c.block(next);
                if (b == null) {
                    Thread.sleep(100);
                    continue;
                }
                for (byte[] tx : b.block().txs()) {
                    committed.add(codec.decode(tx).getTxId());
                }
                next++;
            }
        }
        assertThat(committed).hasSize(batches * perBatch);
        long common = height((killed + 1) % 4) + 1; // the restarted validator may still be catching up
        awaitHeights(new int[] {0, 1, 2, 3}, common);
        Hash appHash = null;
        for (int i = 0; i < 4; i++) {
            try (ValidatorClient c = client(i)) {
                Hash h = c.block(common).block().header().appHash();
                appHash = appHash == null ? h : appHash;
                assertThat(h).as("node %d app hash after height %d", i, common - 1).isEqualTo(appHash);
            }
        }
    }

    /**
     * "Accepted" means f + 1 validators hold the batch (f = 1 of 4): with one validator up, a batch sits in its mempool
     * and the client is told to retry; once a second validator is up, the same batch is acknowledged.
     */
    @Test
    void aBatchIsAcknowledgedOnlyOnceMoreValidatorsHoldItThanCanFail() throws Exception {
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200));
        nodes[0] = start(0);
        KeyPair endorser = NodeConfig.readKey(layout.endorserKey());
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(("held" + i + "=v").getBytes(StandardCharsets.UTF_8));
        }
        ValidatorClient.SubmitResult alone = submitWhenUp(0, batch, endorser);
        assertThat(alone.status()).as("one validator of four holds it").isEqualTo(RpcProtocol.NOT_REPLICATED_RETRY);
        assertThat(alone.retryable()).isTrue();
        assertThat(alone.added()).isEqualTo(20);

        nodes[1] = start(1);
        ValidatorClient.SubmitResult held = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((held == null || !held.accepted()) && System.nanoTime() < deadline) {
            held = submitWhenUp(0, batch, endorser); // until validator 1 is connected
        }
        assertThat(held.accepted()).as("validators 0 and 1 hold it").isTrue();
        assertThat(held.duplicates()).as("validator 0 kept it from the first attempt").isEqualTo(20);
    }

    private ValidatorClient.SubmitResult submitWhenUp(int node, List<byte[]> batch, KeyPair endorser) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (ValidatorClient c = client(node)) {
                return c.submitBatch(batch, endorser);
            } catch (java.io.IOException notYetListening) {
                if (System.nanoTime() > deadline) {
                    throw notYetListening;
                }
                Thread.sleep(200);
            }
        }
    }

    private static io.aot.avro.TerminalPayment payment(String txId, long n) {
        return io.aot.avro.TerminalPayment.newBuilder()
                .setTxId(txId).setKind(io.aot.avro.TransactionKind.PAYMENT).setTerminalId("T" + (n % 7))
                .setTerminalSequence(n).setMerchantId("M" + (n % 5)).setAcquirerId("ACQ" + (n % 3))
                .setMethod(io.aot.avro.PaymentMethod.IC_CHIP)
                .setAmount(new io.aot.avro.Money(java.math.BigDecimal.valueOf(1000 + n), io.aot.avro.Currency.KRW))
                .setCustomerToken("tok" + n).setCreatedAtMillis(java.time.Instant.ofEpochMilli(n)).setKeyId("k")
                .setSignatureAlgorithm(io.aot.avro.SignatureAlgorithm.ED25519)
                .setSignature(java.nio.ByteBuffer.wrap(new byte[64])).build();
    }

    /** Validators that halt themselves inside the commit path (crash points) restart and rejoin. */
    @Test
    void validatorsCrashedInsideTheCommitPathRecover() throws Exception {
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200));
        for (int i = 0; i < 2; i++) {
            nodes[i] = start(i);
        }
        nodes[2] = start(2, "-Daot.crash.at=after-checkpoint", "-Daot.crash.after=7");
        nodes[3] = start(3, "-Daot.crash.at=after-block-commit", "-Daot.crash.after=4");
        KeyPair endorser = NodeConfig.readKey(layout.endorserKey());
        Thread client = new Thread(() -> submitLoop(endorser, new AtomicLong()), "it-client");
        client.setDaemon(true);
        client.start();

        awaitDeath(2);
        awaitDeath(3);
        assertThat(nodes[3].logTail(20)).contains("halting at after-block-commit");
        nodes[2] = start(2);
        nodes[3] = start(3);
        long target = Math.max(height(0), height(1)) + 3;
        awaitHeights(new int[] {0, 1, 2, 3}, target);
        for (long h = 1; h <= target; h++) {
            Hash reference = null;
            for (int i = 0; i < 4; i++) {
                try (ValidatorClient c = client(i)) {
                    Hash id = c.block(h).block().id();
                    reference = reference == null ? id : reference;
                    assertThat(id).as("node %d block %d", i, h).isEqualTo(reference);
                }
            }
        }
    }

    private void awaitDeath(int i) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (nodes[i].isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(nodes[i].isAlive()).as("node %d halted at its crash point", i).isFalse();
        nodes[i].stop(Duration.ZERO);
    }

    /** A transaction's Merkle proof checks against its header, the certificate against genesis; the stream delivers. */
    private void checkProofsAndStream(long common) throws Exception {
        Genesis genesis = Genesis.read(layout.homes().get(0).resolve("genesis.properties"));
        long withTxs = -1;
        try (ValidatorClient c = client(0)) {
            for (long h = 1; h <= common && withTxs < 0; h++) {
                if (!c.block(h).block().txs().isEmpty()) {
                    withTxs = h;
                }
            }
            ValidatorClient.TxProof proof = c.txProof(withTxs, 0);
            assertThat(proof.proof().verify(proof.header().txRoot(), proof.tx())).isTrue();
            assertThat(proof.proof().verify(proof.header().txRoot(), "forged=1".getBytes(StandardCharsets.UTF_8)))
                    .isFalse();
            // the certificate of height h is checked against the validator set in force at h
            var set = genesis.validatorSet();
            for (long h = 1; h < withTxs; h++) {
                set = set.forNextHeight();
            }
            assertThat(proof.certificate().verify(CHAIN, set, withTxs, proof.header().id())).isNull();
            assertThat(proof.certificate().verify("other-chain", set, withTxs, proof.header().id())).isNotNull();
            assertThat(c.txProof(withTxs, 1_000_000)).isNull();
        }
        List<Long> streamed = new ArrayList<>();
        try (ValidatorClient c = client(1)) {
            c.subscribe(1, b -> {
                streamed.add(b.block().height());
                return streamed.size() < 5;
            });
        }
        assertThat(streamed).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    private ChildProcess start(int i, String... extraJvmArgs) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        return ChildJvm.named("validator" + i)
                .classpath(cp)
                .jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                .jvmArgs(extraJvmArgs)
                .mainClass(ValidatorMain.class.getName())
                .args("--home", layout.homes().get(i).toString())
                .workDir(layout.homes().get(i), false)
                .logFile(layout.homes().get(i).resolve("validator.log"))
                .start();
    }

    private void submitLoop(KeyPair endorser, AtomicLong accepted) {
        long n = 0;
        while (submitting.get()) {
            for (int node = 0; node < 3 && submitting.get(); node++) {
                try (ValidatorClient c = client(node)) {
                    while (submitting.get()) {
                        List<byte[]> batch = new ArrayList<>();
                        for (int i = 0; i < 50; i++, n++) {
                            batch.add(("key" + n + "=value" + n).getBytes(StandardCharsets.UTF_8));
                        }
                        if (c.submitBatch(batch, endorser).accepted()) {
                            accepted.addAndGet(batch.size());
                        }
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    // node down or restarting: try another
                }
            }
        }
    }

    private void awaitHeights(int[] which, long height) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Arrays.stream(which).allMatch(i -> heightUnchecked(i) >= height)) {
                return;
            }
            Thread.sleep(200);
        }
        StringBuilder why = new StringBuilder("validators " + Arrays.toString(which) + " did not reach " + height);
        for (int i : which) {
            why.append("\n  node ").append(i).append(" at ").append(heightUnchecked(i)).append(":\n")
                    .append(nodes[i].logTail(5));
        }
        throw new AssertionError(why.toString());
    }

    private long height(int i) throws Exception {
        try (ValidatorClient c = client(i)) {
            return c.latestHeight();
        }
    }

    private long heightUnchecked(int i) {
        try {
            return height(i);
        } catch (Exception e) {
            return -1;
        }
    }

    private ValidatorClient client(int i) throws java.io.IOException {
        return new ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i)));
    }
}
