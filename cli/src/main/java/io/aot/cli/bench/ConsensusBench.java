package io.aot.cli.bench;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Validators as separate processes on loopback, with the test application; clients submit 200-byte transactions in
 * endorsed batches as fast as the mempools accept them; a subscriber on validator 0 sees every committed block.
 * Reports committed tx/s, blocks/s, transactions per block, submit-to-commit latency (p50, p99, on a 1-in-50 sample)
 * and validator CPU seconds per 1,000 transactions.
 */
@Command(name = "consensus", mixinStandardHelpOptions = true,
        description = "Throughput and latency of the validator network (test application, loopback).")
public final class ConsensusBench implements Callable<Integer> {

    @Option(names = "--validators", defaultValue = "4")
    int validators;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds, after a 5 s warm-up.")
    int seconds;

    @Option(names = "--tx-bytes", defaultValue = "200")
    int txBytes;

    @Option(names = "--batch", defaultValue = "500", description = "Transactions per endorsed batch.")
    int batch;

    @Option(names = "--clients", defaultValue = "2")
    int clients;

    @Option(names = "--out", defaultValue = "bench/results/consensus.json")
    Path out;

    @Option(names = "--jfr", description = "Record validator 0 with Java Flight Recorder into this file (a profile).")
    Path jfr;

    private static final int SAMPLE_EVERY = 50;
    private static final long WARMUP_MS = 5_000;

    private final Map<String, Long> submittedAtNanos = new ConcurrentHashMap<>();
    private final List<Long> latenciesMs = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong committedTxs = new AtomicLong();
    private final AtomicLong committedBlocks = new AtomicLong();
    private volatile boolean measuring;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("aot-bench-consensus-");
        Testnet.Layout net = Testnet.init(dir, validators, FreePorts.allocate(2 * validators), "aot-bench",
                TimeoutConfig.defaults());
        KeyPair endorser = NodeConfig.readKey(net.endorserKey());
        List<ChildProcess> nodes = new ArrayList<>();
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
        System.out.printf("starting %d validators (separate JVMs, loopback) ...%n", validators);
        for (int i = 0; i < validators; i++) {
            List<String> flags = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
            if (i == 0 && jfr != null) {
                flags.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr.toAbsolutePath());
            }
            nodes.add(ChildJvm.named("bench-validator" + i).classpath(cp).jvmArgs(flags)
                    .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                    .workDir(net.homes().get(i), true).logFile(net.homes().get(i).resolve("validator.log")).start());
        }
        try {
            awaitRpc(net, 0);
            Thread subscriber = daemon(() -> subscribe(net), "bench-subscriber");
            subscriber.start();
            List<Thread> clientThreads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                Thread t = daemon(() -> submitLoop(net, endorser, id), "bench-client-" + c);
                clientThreads.add(t);
                t.start();
            }
            Thread.sleep(WARMUP_MS);
            long cpu0 = cpuMillis(nodes);
            long t0 = System.nanoTime();
            committedTxs.set(0);
            committedBlocks.set(0);
            measuring = true;
            for (int s = 5; s <= seconds; s += 5) {
                Thread.sleep(5_000);
                System.out.printf("  %3d s: %,d tx committed (%,.0f tx/s), %d blocks, %,d retry answers (mempool full"
                        + " or not yet replicated)%n", s,
                        committedTxs.get(), committedTxs.get() / ((System.nanoTime() - t0) / 1e9), committedBlocks.get(),
                        retries.get());
            }
            Thread.sleep(Math.max(0, seconds % 5) * 1000L);
            measuring = false;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long cpu = cpuMillis(nodes) - cpu0;
            running.set(false);
            report(elapsed, cpu);
        } finally {
            running.set(false);
            for (ChildProcess n : nodes) {
                n.stop(Duration.ofSeconds(5));
            }
        }
        return 0;
    }

    private void report(double elapsedSeconds, long cpuMillis) throws IOException {
        long txs = committedTxs.get();
        long blocks = committedBlocks.get();
        List<Long> lat;
        synchronized (latenciesMs) {
            lat = new ArrayList<>(latenciesMs);
        }
        lat.sort(Long::compare);
        long p50 = lat.isEmpty() ? -1 : lat.get(lat.size() / 2);
        long p99 = lat.isEmpty() ? -1 : lat.get(Math.min(lat.size() - 1, (int) (lat.size() * 0.99)));
        double tps = txs / elapsedSeconds;
        double cpuPer1000 = txs == 0 ? -1 : cpuMillis / 1000.0 / (txs / 1000.0);
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
        String json = String.format(Locale.ROOT, """
                {
                  "benchmark": "consensus",
                  "machine": "%s",
                  "validators": %d,
                  "tx_bytes": %d,
                  "batch_txs": %d,
                  "clients": %d,
                  "seconds": %.1f,
                  "committed_tx_per_s": %.1f,
                  "blocks_per_s": %.2f,
                  "mean_txs_per_block": %.1f,
                  "latency_p50_ms": %d,
                  "latency_p99_ms": %d,
                  "latency_samples": %d,
                  "validator_cpu_s_per_1000_tx": %.3f,
                  "retry_answers": %d
                }
                """, machine, validators, txBytes, batch, clients, elapsedSeconds, tps, blocks / elapsedSeconds,
                blocks == 0 ? 0.0 : (double) txs / blocks, p50, p99, lat.size(), cpuPer1000, retries.get());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json);
        System.out.print(json);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private void submitLoop(Testnet.Layout net, KeyPair endorser, int clientId) {
        long seq = 0;
        String pad = "x".repeat(txBytes);
        while (running.get()) {
            try (ValidatorClient c = new ValidatorClient("aot-bench",
                    new InetSocketAddress("127.0.0.1", net.rpcPorts().get(clientId % net.rpcPorts().size())))) {
                while (running.get()) {
                    List<byte[]> txs = new ArrayList<>(batch);
                    List<String> sampled = new ArrayList<>();
                    for (int i = 0; i < batch; i++, seq++) {
                        String key = "c" + clientId + "-" + seq;
                        String tx = key + "=" + pad;
                        txs.add(tx.substring(0, Math.max(key.length() + 2, txBytes)).getBytes(StandardCharsets.UTF_8));
                        if (seq % SAMPLE_EVERY == 0) {
                            sampled.add(key);
                        }
                    }
                    long now = System.nanoTime();
                    sampled.forEach(k -> submittedAtNanos.put(k, now));
                    ValidatorClient.SubmitResult r = c.submitBatch(txs, endorser);
                    if (r.retryable()) {
                        retries.incrementAndGet();
                        sampled.forEach(submittedAtNanos::remove);
                        seq -= batch; // resubmit the same transactions
                        Thread.sleep(5);
                    } else {
                        // a retry after NOT_REPLICATED_RETRY finds the first attempt's transactions held: duplicates
                        submitted.addAndGet(r.added() + r.duplicates());
                    }
                }
            } catch (Exception e) {
                sleepQuietly(200);
            }
        }
    }

    private void subscribe(Testnet.Layout net) {
        while (running.get()) {
            try (ValidatorClient c = new ValidatorClient("aot-bench",
                    new InetSocketAddress("127.0.0.1", net.rpcPorts().get(0)))) {
                c.subscribe(1, this::onBlock);
            } catch (IOException e) {
                sleepQuietly(200);
            }
        }
    }

    private boolean onBlock(WireCodec.CommittedBlock b) {
        long now = System.nanoTime();
        committedBlocks.incrementAndGet();
        committedTxs.addAndGet(b.block().txs().size());
        for (byte[] tx : b.block().txs()) {
            String s = new String(tx, 0, Math.min(tx.length, 32), StandardCharsets.UTF_8);
            int eq = s.indexOf('=');
            Long at = eq > 0 ? submittedAtNanos.remove(s.substring(0, eq)) : null;
            if (at != null && measuring) {
                latenciesMs.add((now - at) / 1_000_000);
            }
        }
        return running.get();
    }

    private static long cpuMillis(List<ChildProcess> nodes) {
        return nodes.stream().mapToLong(n -> ProcessCpu.millis(n.pid())).sum();
    }

    private static void awaitRpc(Testnet.Layout net, int i) throws InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            try (ValidatorClient c = new ValidatorClient("aot-bench",
                    new InetSocketAddress("127.0.0.1", net.rpcPorts().get(i)))) {
                c.latestHeight();
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("validator " + i + " did not open its RPC port");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
