package io.aot.consensus.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Flink job (local MiniCluster) writes through the ConsensusSink into 4 validator processes. */
class ConsensusSinkIT {

    private static final String CHAIN = "aot-sink-it";

    @TempDir
    Path dir;

    private final List<ChildProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
    }

    @Test
    void everyRecordOfTheJobIsCommittedOnce() throws Exception {
        Testnet.Layout net = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 100));
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
        for (int i = 0; i < 4; i++) {
            nodes.add(ChildJvm.named("sink-validator" + i).classpath(cp).jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                    .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                    .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
        }
        int n = 3_000;
        List<byte[]> txs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            txs.add(("sink-key-" + i + "=value").getBytes(StandardCharsets.UTF_8));
        }
        String seed = HexFormat.of().formatHex(NodeConfig.readKey(net.endorserKey()).seed());
        ConsensusSink sink = new ConsensusSink(new ConsensusSink.Settings(CHAIN,
                net.rpcPorts().stream().map(p -> "127.0.0.1:" + p).toList(), seed, 200, 1 << 20, Duration.ofSeconds(60)));

        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.fromCollection(txs, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO).sinkTo(sink);
        env.execute("consensus-sink-it");

        Set<String> committed = new HashSet<>();
        long next = 1;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (ValidatorClient c = new ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", net.rpcPorts().get(2)))) {
            while (committed.size() < n && System.nanoTime() < deadline) {
                WireCodec.CommittedBlock b = c.block(next);
                if (b == null) {
                    Thread.sleep(100);
                    continue;
                }
                for (byte[] tx : b.block().txs()) {
                    assertThat(committed.add(new String(tx, StandardCharsets.UTF_8))).as("committed once").isTrue();
                }
                next++;
            }
        }
        assertThat(committed).hasSize(n);
    }
}
