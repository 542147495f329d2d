package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer links over mutual TLS: only a machine with a certificate of the consortium CA reaches the handshake, and the
 * signed handshake still decides who the peer is (a consortium certificate with a stranger's consensus key is refused).
 */
class PeerTlsTest {

    @TempDir
    Path dir;

    private static KeyPair key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return KeyPair.fromSeed(seed);
    }

    @Test
    void onlyConsortiumCertificatesReachTheHandshakeAndTheConsensusKeyStillDecides() throws Exception {
        KeyPair self = key(1);
        KeyPair peer = key(2);
        ValidatorSet set = ValidatorSet.of(List.of(new Validator(self.publicKey(), 10), new Validator(peer.publicKey(), 10)));
        List<Path> homes = List.of(dir.resolve("self"), dir.resolve("peer"));
        NodeTls.issueTestnet(dir, homes);
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        NodeTls.issueTestnet(other, List.of(other.resolve("stranger")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<byte[]> delivered = new CopyOnWriteArrayList<>();
        SSLContext consortium = NodeTls.in(homes.get(1)).orElseThrow().context();
        SSLContext stranger = NodeTls.in(other.resolve("stranger")).orElseThrow().context();
        try (PeerNetwork network = new PeerNetwork("aot-test", self, set, port, Map.of(),
                (from, frame) -> delivered.add(frame), NodeTls.in(homes.get(0)).orElseThrow().context(),
                MemoryBudget.forThisJvm(set.size()))) {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                plain.setSoTimeout(5_000);
                plain.getOutputStream().write(new byte[] {0, 0, 0, 1, 7});
                // A TLS alert record (content type 21) or the close, never a challenge frame (it starts 00 00 00 20).
                assertThat(readOrClosed(plain)).as("plain TCP gets no challenge").isIn(-1, 21);
            }
            try (Socket s = stranger.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                assertThat(readOrClosed(s)).as("a certificate of another CA").isEqualTo(-1);
            }
            try (Socket s = consortium.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                hello(s, key(3)); // a consortium machine, but not a validator's consensus key
                assertThat(readOrClosed(s)).isEqualTo(-1);
            }
            try (Socket s = consortium.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                DataOutputStream out = hello(s, peer);
                Frames.write(out, new byte[] {4, 2});
                out.flush();
                for (int i = 0; i < 100 && delivered.isEmpty(); i++) {
                    Thread.sleep(50);
                }
            }
            assertThat(delivered).hasSize(1);
            assertThat(delivered.get(0)).containsExactly(4, 2);
            for (int i = 0; i < 100 && network.counters().getOrDefault("handshake-refused", 0L) < 1; i++) {
                Thread.sleep(20);
            }
            assertThat(network.counters()).containsEntry("tls-refused", 2L).containsEntry("handshake-refused", 1L);
        }
    }

    /** The first byte the server sends, or -1 when it closed (or the TLS layer refused us). */
    private static int readOrClosed(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException refused) {
            return -1;
        }
    }

    private static DataOutputStream hello(Socket s, KeyPair who) throws IOException {
        byte[] challenge = Frames.read(new DataInputStream(s.getInputStream()));
        byte[] signBytes = CanonicalWriter.domain("aot/p2p-hello/v1").string("aot-test").bytes(challenge).toByteArray();
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        Frames.write(out, new CanonicalWriter().bytes(who.publicKey().encoded()).bytes(who.sign(signBytes)).toByteArray());
        out.flush();
        return out;
    }
}
