package io.aot.consensus.node;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.types.Validator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code aot validator init}: a local N-validator testnet under one folder: {@code node0..node<N-1>} homes with keys,
 * a shared genesis and configs pointing at each other on 127.0.0.1, plus an ingestion endorser key.
 */
public final class Testnet {

    /** What init wrote. */
    public record Layout(Path dir, String chainId, List<Path> homes, Path endorserKey, List<Integer> rpcPorts) {
    }

    private Testnet() {
    }

    /** Ports basePort, basePort+1 for node0 (p2p, rpc), basePort+2, +3 for node1, ... */
    public static Layout init(Path dir, int validators, int basePort, String chainId, TimeoutConfig timeouts)
            throws IOException {
        int[] ports = new int[2 * validators];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = basePort + i;
        }
        return init(dir, validators, ports, chainId, timeouts);
    }

    /** {@code ports[2i]} and {@code ports[2i+1]}: node i's p2p and rpc ports. The test key/value application. */
    public static Layout init(Path dir, int validators, int[] ports, String chainId, TimeoutConfig timeouts)
            throws IOException {
        return init(dir, validators, ports, chainId, timeouts, null);
    }

    /** As above; with a ledger genesis, the validators run the payment ledger instead of the test application. */
    public static Layout init(Path dir, int validators, int[] ports, String chainId, TimeoutConfig timeouts,
            io.aot.ledger.state.LedgerGenesis ledger) throws IOException {
        if (validators < 1 || validators > 64) {
            throw new IllegalArgumentException("1..64 validators for a local testnet, got " + validators);
        }
        SecureRandom random = new SecureRandom();
        List<KeyPair> keys = new ArrayList<>();
        List<Validator> members = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < validators; i++) {
            KeyPair k = KeyPair.generate(random);
            keys.add(k);
            members.add(new Validator(k.publicKey(), 10));
            names.add("node" + i);
        }
        KeyPair endorser = KeyPair.generate(random);
        Genesis genesis = new Genesis(chainId, members, names, List.<PublicKey>of(endorser.publicKey()),
                ledger == null ? "kv" : "ledger", io.aot.consensus.engine.SynchronyParams.defaults());
        var set = genesis.validatorSet();
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (int i = 0; i < validators; i++) {
            peers.put(set.indexOf(keys.get(i).publicKey()), new InetSocketAddress("127.0.0.1", ports[2 * i]));
        }
        List<Path> homes = new ArrayList<>();
        List<Integer> rpcPorts = new ArrayList<>();
        for (int i = 0; i < validators; i++) {
            Path home = dir.resolve("node" + i);
            Files.createDirectories(home);
            new NodeConfig(home, ports[2 * i], ports[2 * i + 1], peers, timeouts, 10_000, 20_000, 200,
                    NodeConfig.DEFAULT_SNAPSHOT_EVERY_HEIGHTS).write();
            genesis.write(home.resolve("genesis.properties"));
            if (ledger != null) {
                io.aot.ledger.state.LedgerGenesisFile.write(ledger, home.resolve("ledger-genesis.properties"));
            }
            NodeConfig.writeKey(home, keys.get(i));
            homes.add(home);
            rpcPorts.add(ports[2 * i + 1]);
        }
        Path endorserKey = dir.resolve("endorser.properties");
        NodeConfig.writeKey(dir, endorser);
        Files.move(dir.resolve("key.properties"), endorserKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Layout(dir, chainId, homes, endorserKey, rpcPorts);
    }
}
