package io.aot.ingestion.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalSigning;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry on a real Cassandra 5.0: register, look up, list, revoke; keys of both algorithms verify payments. */
@ExtendWith(CassandraExtension.class)
class TerminalRegistryIT {

    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private static String keyspace;

    @BeforeAll
    static void schema(CassandraNode cassandra) {
        keyspace = "aot_ledger_reg_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
        }
    }

    @Test
    void fleetRegistersAndItsPaymentsVerifyUntilRevoked(CassandraNode cassandra) {
        Fleet fleet = Fleet.generate(3, 20, 200);
        PaymentSimulator sim = new PaymentSimulator(fleet, 3, 50, NOW, 0);
        try (CqlSession s = cassandra.newSession(); TerminalRegistry registry = new TerminalRegistry(s, keyspace)) {
            fleet.registrations(NOW).forEach(registry::register);
            fleet.registrations(NOW).forEach(registry::register); // idempotent upsert
            int terminals = fleet.merchants().stream().mapToInt(m -> m.terminals().size()).sum();
            assertThat(registry.list(Optional.empty(), 10_000)).hasSize(terminals);
            assertThat(registry.list(Optional.of("M000000"), 10)).extracting(Terminal::merchantId).containsOnly("M000000")
                    .hasSize(fleet.merchants().get(0).terminals().size());

            TerminalPayment p = sim.next().payment();
            assertThat(DeviceCheck.check(p, registry.find(p.getTerminalId()))).isEqualTo(DeviceCheck.OK);
            assertThat(registry.revoke(p.getTerminalId(), NOW.plusSeconds(60))).isTrue();
            Terminal revoked = registry.find(p.getTerminalId()).orElseThrow();
            assertThat(revoked.status()).isEqualTo(Terminal.Status.REVOKED);
            assertThat(revoked.revokedAt()).isEqualTo(NOW.plusSeconds(60));
            assertThat(DeviceCheck.check(p, registry.find(p.getTerminalId()))).isEqualTo("TERMINAL_REVOKED");
            assertThat(registry.revoke("NO-SUCH-TERMINAL", NOW)).isFalse();
            assertThat(DeviceCheck.check(p, registry.find("NO-SUCH-TERMINAL"))).isEqualTo("UNKNOWN_TERMINAL");
            assertThat(registry.find("bad id with spaces")).isEmpty();
        }
    }

    /**
     * Every registry statement runs at LOCAL_QUORUM (a revocation must be seen by every later lookup). Shown on one
     * node with a keyspace of replication factor 3: a quorum (2 replicas) is unavailable there, so LOCAL_QUORUM
     * statements are refused while LOCAL_ONE ones pass. Before, every statement ran at the driver's LOCAL_ONE.
     */
    @Test
    void everyReadAndWriteIsAtLocalQuorumUnlessConfigured(CassandraNode cassandra) {
        String rf3 = "aot_ledger_rf3_" + Long.toHexString(System.nanoTime());
        Terminal t = Fleet.generate(5, 2, 10).registrations(NOW).get(0);
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, rf3, Replication.simple(3), s::execute);
            TerminalRegistry quorum = new TerminalRegistry(s, rf3);
            // The driver tries the one node, which answers Unavailable (2 replicas required, 1 alive).
            assertThatThrownBy(() -> quorum.register(t)).hasMessageContaining("Not enough replicas available")
                    .hasMessageContaining("LOCAL_QUORUM");
            TerminalRegistry one = new TerminalRegistry(s, rf3,
                    com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_ONE);
            one.register(t);
            assertThat(one.find(t.terminalId())).isPresent();
            assertThatThrownBy(() -> quorum.find(t.terminalId())).hasMessageContaining("LOCAL_QUORUM");
            assertThatThrownBy(() -> quorum.list(Optional.empty(), 10)).hasMessageContaining("LOCAL_QUORUM");
        }
    }

    @Test
    void androidKeystoreStyleP256KeyVerifiesAndATamperedPaymentDoesNot(CassandraNode cassandra) {
        X9ECParameters curve = ECNamedCurveTable.getByName("secp256r1");
        ECDomainParameters domain = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        BigInteger d = new BigInteger(256, new SecureRandom()).mod(curve.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
        byte[] publicKey = curve.getG().multiply(d).normalize().getEncoded(false);
        Fleet fleet = Fleet.generate(4, 5, 50);
        TerminalPayment p = new PaymentSimulator(fleet, 4, 10, NOW, 0).next().payment();
        p.setTerminalId("ANDROID-P256-1");
        p.setKeyId("ANDROID-P256-1#k1");
        p.setSignatureAlgorithm(SignatureAlgorithm.ECDSA_P256_SHA256);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, domain));
        byte[] msg = TerminalSigning.signBytes(p);
        SHA256Digest sha = new SHA256Digest();
        sha.update(msg, 0, msg.length);
        byte[] hash = new byte[32];
        sha.doFinal(hash, 0);
        BigInteger[] rs = signer.generateSignature(hash);
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(rs[0]));
        v.add(new ASN1Integer(rs[1]));
        p.setSignature(ByteBuffer.wrap(derOf(v)));

        try (CqlSession s = cassandra.newSession(); TerminalRegistry registry = new TerminalRegistry(s, keyspace)) {
            registry.register(new Terminal("ANDROID-P256-1", p.getMerchantId(), "Cafe", "CAFE", "SEOUL", "ACQ-1",
                    "ANDROID-P256-1#k1", SignatureAlgorithm.ECDSA_P256_SHA256, publicKey, Terminal.Status.ACTIVE, NOW, null));
            assertThat(DeviceCheck.check(p, registry.find("ANDROID-P256-1"))).isEqualTo(DeviceCheck.OK);
            p.setInstallmentMonths(p.getInstallmentMonths() + 3);
            assertThat(DeviceCheck.check(p, registry.find("ANDROID-P256-1"))).isEqualTo("BAD_SIGNATURE");

            assertThatThrownBy(() -> registry.register(new Terminal("T-SHORT-KEY", "M1", "x", "CAFE", "SEOUL", "ACQ-1",
                    "k", SignatureAlgorithm.ED25519, new byte[31], Terminal.Status.ACTIVE, NOW, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31 bytes");
            List<Terminal> all = registry.list(Optional.empty(), 1);
            assertThat(all).hasSize(1);
        }
    }

    private static byte[] derOf(ASN1EncodableVector v) {
        try {
            return new DERSequence(v).getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
