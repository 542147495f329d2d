package io.aot.ingestion.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ledger.terminal.CachingTerminalDirectory;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.TerminalSigning;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on a real Kafka broker and a real Cassandra registry: signed payments become Avro records in
 * {@code aot.terminal.tx.v1} byte for byte as signed; every kind of bad request gets its status and code and writes
 * nothing; Kafka going away gives 503 and no half-written record; TLS works.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class GatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Fleet FLEET = Fleet.generate(21, 40, 400);
    private static String keyspace;

    @TempDir
    Path dir;

    @BeforeAll
    static void registry(CassandraNode cassandra) {
        keyspace = "aot_ledger_gw_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace);
            FLEET.registrations(Instant.now()).forEach(registry::register);
        }
    }

    /** A running gateway with its own topic namespace, registry connection and producer. */
    private record Running(TerminalGateway gateway, PaymentPublisher publisher, CachingTerminalDirectory terminals,
            String topic, String baseUrl) implements AutoCloseable {
        @Override
        public void close() {
            gateway.close();
            publisher.close();
            terminals.close();
        }
    }

    private static Running start(KafkaBroker kafka, CassandraNode cassandra, GatewaySettings settings) throws Exception {
        String ns = "gw" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, WAIT);
        }
        String topic = Topic.TERMINAL_TX.nameIn(ns);
        PaymentPublisher publisher = new PaymentPublisher(kafka.bootstrapServers(), topic, settings.maxInFlight(),
                settings.kafkaDeliveryTimeoutMs());
        publisher.start(WAIT);
        CachingTerminalDirectory terminals = new CachingTerminalDirectory(TerminalRegistry.connect(
                new java.net.InetSocketAddress("127.0.0.1", cassandra.nativePort()), "datacenter1", keyspace),
                Duration.ofMillis(settings.terminalCacheTtlMs()), settings.maxCachedTerminals(), System::nanoTime);
        TerminalGateway gateway = TerminalGateway.start(settings, terminals, publisher, Clock.systemUTC());
        String scheme = settings.tls() ? "https" : "http";
        return new Running(gateway, publisher, terminals, topic, scheme + "://127.0.0.1:" + gateway.port());
    }

    private static GatewaySettings settings() {
        return GatewaySettings.defaults().withPort(0).withEventLoops(2).withTerminalCacheTtlMs(200).withKafka(10_000, 4_000);
    }

    private static HttpResponse<String> post(HttpClient http, String baseUrl, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/payments")).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("error");
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(KafkaBroker kafka, String topic, int atLeast) {
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            long quietUntil = 0;
            // Read until at least `atLeast` arrived, then 2 s more, so that an extra record would be seen too.
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(300));
                batch.forEach(got::add);
                if (got.size() >= atLeast && quietUntil == 0) {
                    quietUntil = System.nanoTime() + 2_000_000_000L;
                }
                if (quietUntil != 0 && System.nanoTime() > quietUntil) {
                    break;
                }
            }
        }
        return got;
    }

    private static TerminalPayment resign(TerminalPayment p) {
        Fleet.Terminal t = FLEET.merchants().stream().flatMap(m -> m.terminals().stream())
                .filter(x -> x.id().equals(p.getTerminalId())).findFirst().orElseThrow();
        return sign(p, t.deviceKey());
    }

    private static TerminalPayment sign(TerminalPayment p, Ed25519PrivateKeyParameters key) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] msg = TerminalSigning.signBytes(p);
        signer.update(msg, 0, msg.length);
        p.setSignature(ByteBuffer.wrap(signer.generateSignature()));
        return p;
    }

    @Test
    void signedPaymentsAreAcceptedOnlyAfterKafkaHasThemAndArriveAsSigned(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        PaymentSimulator sim = PaymentSimulator.live(FLEET, 3, 300, 0, Clock.systemUTC());
        Map<String, TerminalPayment> sent = new HashMap<>();
        try (Running gw = start(kafka, cassandra, settings().withRate(1000, 1000).withTerminalCacheTtlMs(300_000))) {
            while (sim.hasNext()) {
                TerminalPayment p = sim.next().payment();
                HttpResponse<String> r = post(http, gw.baseUrl(), PaymentJson.toJson(p).encode());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                assertThat(new JsonObject(r.body()).getString("txId")).isEqualTo(p.getTxId());
                sent.put(p.getTxId(), p);
            }
            assertThat(gw.gateway().metrics().count(202, "ACCEPTED")).isEqualTo(300);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long terminals = sent.values().stream().map(TerminalPayment::getTerminalId).distinct().count();
            assertThat(metrics.body()).contains("aot_gateway_answers_total{status=\"202\",code=\"ACCEPTED\"} 300",
                    "aot_gateway_answer_seconds_count 300",
                    // one registry query per terminal: the others were answered from the cache
                    "aot_gateway_registry_lookups_total " + terminals + "\n");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(health.body()).getString("kafka")).isEqualTo("reachable");

            AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
            List<ConsumerRecord<String, byte[]>> records = readAll(kafka, gw.topic(), 300);
            assertThat(records).hasSize(300);
            try (TerminalRegistry registry = TerminalRegistry.connect(
                    new java.net.InetSocketAddress("127.0.0.1", cassandra.nativePort()), "datacenter1", keyspace)) {
                for (ConsumerRecord<String, byte[]> r : records) {
                    TerminalPayment got = codec.decode(r.value());
                    TerminalPayment want = sent.remove(got.getTxId());
                    assertThat(want).as("record %s was sent once", got.getTxId()).isNotNull();
                    assertThat(r.key()).isEqualTo(got.getTerminalId());
                    assertThat(got.getReceivedAtMillis()).isNotNull();
                    assertThat(r.timestamp()).isEqualTo(got.getReceivedAtMillis().toEpochMilli());
                    assertThat(TerminalSigning.signBytes(got)).isEqualTo(TerminalSigning.signBytes(want));
                    assertThat(DeviceCheck.check(got, registry.find(got.getTerminalId()))).isEqualTo(DeviceCheck.OK);
                }
            }
            assertThat(sent).isEmpty();
        }
    }

    @Test
    void everyBadRequestGetsItsStatusAndCodeAndWritesNothing(KafkaBroker kafka, CassandraNode cassandra) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        PaymentSimulator sim = PaymentSimulator.live(FLEET, 9, 1000, 0, Clock.systemUTC());
        List<TerminalPayment> cards = new ArrayList<>();
        while (sim.hasNext() && cards.size() < 12) {
            TerminalPayment p = sim.next().payment();
            if (p.getKind() == TransactionKind.PAYMENT && p.getAmount().getCurrency() == Currency.KRW
                    && cards.stream().noneMatch(c -> c.getTerminalId().equals(p.getTerminalId()))) {
                cards.add(p);
            }
        }
        List<String> accepted = new ArrayList<>();
        try (Running gw = start(kafka, cassandra, settings().withRate(2, 3))) {
            TerminalPayment first = cards.get(0);
            JsonObject good = PaymentJson.toJson(first);
            Map<String, JsonObject> bad = new java.util.LinkedHashMap<>();
            bad.put("MISSING_FIELD", good.copy().putNull("customerToken"));
            bad.put("WRONG_TYPE", good.copy().put("terminalSequence", "seven"));
            bad.put("UNKNOWN_FIELD", good.copy().put("cardNumber", "4111111111111111"));
            bad.put("NEGATIVE_AMOUNT", good.copy().put("amount", new JsonObject().put("minor", "-4500").put("currency", "KRW")));
            bad.put("AMOUNT_OUT_OF_RANGE", good.copy().put("amount", new JsonObject()
                    .put("minor", "1" + "0".repeat(40)).put("currency", "KRW")));
            bad.put("INVALID_AMOUNT", good.copy().put("amount", new JsonObject().put("minor", "12.50").put("currency", "KRW")));
            bad.put("UNKNOWN_CURRENCY", good.copy().put("amount", new JsonObject().put("minor", "4500").put("currency", "USD")));
            bad.put("INVALID_FIELD", good.copy().put("region", "ATLANTIS"));
            for (Map.Entry<String, JsonObject> e : bad.entrySet()) {
                HttpResponse<String> r = post(http, gw.baseUrl(), e.getValue().encode());
                assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
                assertThat(code(r)).isEqualTo(e.getKey());
            }
            for (String junk : List.of("", "{", "[1,2,3]", "\u0000\u0001garbage", "{\"txId\":")) {
                HttpResponse<String> r = post(http, gw.baseUrl(), junk);
                assertThat(r.statusCode()).as(junk).isEqualTo(400);
                assertThat(code(r)).isEqualTo("MALFORMED_JSON");
            }
            HttpResponse<String> huge = post(http, gw.baseUrl(), good.copy().put("customerToken", "x".repeat(40_000)).encode());
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(code(huge)).isEqualTo("TOO_LARGE");

            // Validly shaped, validly signed, but over the per-payment limit: refused by the shared validation.
            TerminalPayment tooMuch = TerminalPayment.newBuilder(cards.get(1)).build();
            tooMuch.setAmount(new Money(new BigDecimal("100000000000"), Currency.KRW));
            HttpResponse<String> over = post(http, gw.baseUrl(), PaymentJson.toJson(resign(tooMuch)).encode());
            assertThat(over.statusCode()).isEqualTo(400);
            assertThat(code(over)).isEqualTo("AMOUNT_OVER_LIMIT");
            TerminalPayment stale = TerminalPayment.newBuilder(cards.get(1)).build();
            stale.setCreatedAtMillis(Instant.now().minus(Duration.ofHours(2)));
            HttpResponse<String> skew = post(http, gw.baseUrl(), PaymentJson.toJson(resign(stale)).encode());
            assertThat(code(skew)).isEqualTo("CLOCK_SKEW");

            // Tampered after signing: 401.
            TerminalPayment tampered = TerminalPayment.newBuilder(cards.get(2)).build();
            tampered.setAmount(new Money(tampered.getAmount().getAmountMinor().add(BigDecimal.ONE), Currency.KRW));
            HttpResponse<String> sig = post(http, gw.baseUrl(), PaymentJson.toJson(tampered).encode());
            assertThat(sig.statusCode()).isEqualTo(401);
            assertThat(code(sig)).isEqualTo("BAD_SIGNATURE");
            // Signed by a key nobody registered, for a terminal nobody registered.
            TerminalPayment stranger = TerminalPayment.newBuilder(cards.get(3)).build();
            stranger.setTerminalId("NOBODY-1");
            HttpResponse<String> unknown = post(http, gw.baseUrl(),
                    PaymentJson.toJson(sign(stranger, new Ed25519PrivateKeyParameters(new byte[32], 0))).encode());
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(code(unknown)).isEqualTo("UNKNOWN_TERMINAL");

            // Accepted once; the same bytes again are not written again; another payment on that sequence is refused.
            HttpResponse<String> ok = post(http, gw.baseUrl(), good.encode());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
            accepted.add(first.getTxId());
            HttpResponse<String> again = post(http, gw.baseUrl(), good.encode());
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(code(again)).isEqualTo("ALREADY_ACCEPTED");
            assertThat(new JsonObject(again.body()).getString("txId")).isEqualTo(first.getTxId());
            TerminalPayment reuse = TerminalPayment.newBuilder(first).build();
            reuse.setTxId(first.getTerminalId() + "-other");
            reuse.setAmount(new Money(new BigDecimal("1000"), Currency.KRW));
            HttpResponse<String> reused = post(http, gw.baseUrl(), PaymentJson.toJson(resign(reuse)).encode());
            assertThat(reused.statusCode()).isEqualTo(409);
            assertThat(code(reused)).isEqualTo("SEQUENCE_REUSED");

            // A terminal above its rate (2/s, burst 3) gets 429 and no write.
            TerminalPayment burst = cards.get(4);
            int limited = 0;
            for (int i = 0; i < 6; i++) {
                TerminalPayment p = TerminalPayment.newBuilder(burst).build();
                p.setTerminalSequence(1000 + i);
                p.setTxId(burst.getTerminalId() + "-" + (1000 + i));
                HttpResponse<String> r = post(http, gw.baseUrl(), PaymentJson.toJson(resign(p)).encode());
                if (r.statusCode() == 429) {
                    assertThat(code(r)).isEqualTo("RATE_LIMITED");
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    limited++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    accepted.add(p.getTxId());
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(2);

            // Revoked in the registry: refused once the gateway's cache (200 ms here) has expired.
            TerminalPayment fromRevoked = cards.get(5);
            try (TerminalRegistry registry = TerminalRegistry.connect(
                    new java.net.InetSocketAddress("127.0.0.1", cassandra.nativePort()), "datacenter1", keyspace)) {
                registry.revoke(fromRevoked.getTerminalId(), Instant.now());
            }
            try {
                Thread.sleep(400);
                HttpResponse<String> revoked = post(http, gw.baseUrl(), PaymentJson.toJson(fromRevoked).encode());
                assertThat(revoked.statusCode()).isEqualTo(401);
                assertThat(code(revoked)).isEqualTo("TERMINAL_REVOKED");
            } finally { // the other tests share the fleet's registry
                try (TerminalRegistry registry = TerminalRegistry.connect(
                        new java.net.InetSocketAddress("127.0.0.1", cassandra.nativePort()), "datacenter1", keyspace)) {
                    FLEET.registrations(Instant.now()).stream()
                            .filter(t -> t.terminalId().equals(fromRevoked.getTerminalId())).forEach(registry::register);
                }
            }

            HttpResponse<String> nowhere = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/nowhere")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).isEqualTo(404);
            assertThat(code(nowhere)).isEqualTo("NOT_FOUND");

            AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
            List<String> inKafka = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : readAll(kafka, gw.topic(), accepted.size())) {
                inKafka.add(codec.decode(r.value()).getTxId());
            }
            assertThat(inKafka).containsExactlyInAnyOrderElementsOf(accepted);
        }
    }

    @Test
    void kafkaDownGives503AndNothingHalfWrittenThenTheRetryIsAccepted(CassandraNode cassandra) throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        HttpClient http = HttpClient.newHttpClient();
        PaymentSimulator sim = PaymentSimulator.live(FLEET, 4, 100, 0, Clock.systemUTC());
        TerminalPayment before = sim.next().payment();
        TerminalPayment during = sim.next().payment();
        KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Options.defaults().withDataDir(kafkaDir));
        int port = kafka.port();
        try (Running gw = start(kafka, cassandra, settings())) {
            try {
                assertThat(post(http, gw.baseUrl(), PaymentJson.toJson(before).encode()).statusCode()).isEqualTo(202);
                kafka.close();
                HttpResponse<String> down = post(http, gw.baseUrl(), PaymentJson.toJson(during).encode());
                assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                assertThat(code(down)).isIn("KAFKA_UNAVAILABLE", "KAFKA_TIMEOUT");
                assertThat(down.headers().firstValue("Retry-After")).isPresent();
                long deadline = System.nanoTime() + WAIT.toNanos();
                HttpResponse<String> health;
                do {
                    health = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } while (health.statusCode() != 503 && System.nanoTime() < deadline);
                assertThat(health.statusCode()).isEqualTo(503);

                kafka = KafkaBroker.start(KafkaBroker.Options.defaults().withDataDir(kafkaDir).withPort(port));
                HttpResponse<String> retry;
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do {
                    Thread.sleep(500);
                    retry = post(http, gw.baseUrl(), PaymentJson.toJson(during).encode());
                } while (retry.statusCode() == 503 && System.nanoTime() < deadline);
                assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);

                AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
                List<String> inKafka = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : readAll(kafka, gw.topic(), 2)) {
                    inKafka.add(codec.decode(r.value()).getTxId());
                }
                assertThat(inKafka).containsExactlyInAnyOrder(before.getTxId(), during.getTxId());
            } finally {
                kafka.close();
                org.assertj.core.util.Files.delete(kafkaDir.toFile());
            }
        }
    }

    @Test
    void tlsServesHttpsWithTheConfiguredCertificate(KafkaBroker kafka, CassandraNode cassandra) throws Exception {
        Path p12 = dir.resolve("gw.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Path cert = dir.resolve("gw.crt");
        Path key = dir.resolve("gw.key");
        Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("gw").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", ks.getKey("gw", "changeit".toCharArray()).getEncoded()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();

        TerminalPayment p = PaymentSimulator.live(FLEET, 5, 10, 0, Clock.systemUTC()).next().payment();
        try (Running gw = start(kafka, cassandra, settings().withTls(cert, key))) {
            assertThat(gw.baseUrl()).startsWith("https://");
            HttpResponse<String> r = post(https, gw.baseUrl(), PaymentJson.toJson(p).encode());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            String plain = gw.baseUrl().replace("https://", "http://");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> post(HttpClient.newHttpClient(), plain, PaymentJson.toJson(p).encode()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
