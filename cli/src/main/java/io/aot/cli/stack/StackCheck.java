package io.aot.cli.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.LocalStack;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.KafkaAvroDeserializer;
import io.aot.schemas.serde.KafkaAvroSerializer;
import io.aot.schemas.topics.Topic;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code aot stack --check}: every step prints what it did and how long it took; the first failure stops the check.
 * Works in its own topic namespace and keyspaces so it can also run against a data folder that holds real data.
 */
final class StackCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final PrintStream out;

    StackCheck(PrintStream out) {
        this.out = out;
    }

    /** Runs the check; true only if every step worked and both servers stopped. */
    boolean run(KafkaBroker.Options kafkaOptions, CassandraNode.Options cassandraOptions) {
        long t0 = System.nanoTime();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        out.println("aot stack --check: starting Kafka (KRaft) and Cassandra 5.0 as child JVMs on 127.0.0.1 ...");
        LocalStack stack;
        try {
            stack = LocalStack.start(kafkaOptions, cassandraOptions, out::println);
        } catch (RuntimeException e) {
            out.println("FAIL start: " + e.getMessage());
            return false;
        }
        boolean ok = false;
        try {
            StackReport.servers(out, stack);
            String namespace = "check" + id;
            ok = step("create the topic catalog", () -> {
                StackProvisioning.createTopics(out, stack.kafka(), namespace);
                return "namespace " + namespace;
            }) && step("round-trip one Avro record through Kafka", () -> kafkaRoundTrip(stack.kafka(), namespace))
                    && step("apply the DDL twice (idempotent)", () -> applyDdlTwice(stack.cassandra(), id))
                    && step("write and read back one row with the Cassandra driver",
                            () -> cassandraRoundTrip(stack.cassandra(), id))
                    && step("drop the check's keyspaces", () -> dropKeyspaces(stack.cassandra(), id));
        } finally {
            long stopStart = System.nanoTime();
            long kafkaPid = stack.kafka().pid();
            long cassandraPid = stack.cassandra().pid();
            stack.close();
            boolean gone = ProcessHandle.of(kafkaPid).isEmpty() && ProcessHandle.of(cassandraPid).isEmpty()
                    || !stack.kafka().isAlive() && !stack.cassandra().isAlive();
            out.printf("%s stop both servers (%d ms)%n", gone ? "ok  " : "FAIL", StackProvisioning.millisSince(stopStart));
            ok = ok && gone;
        }
        out.printf("%s in %.1f s%n", ok ? "stack check passed" : "stack check FAILED",
                StackProvisioning.millisSince(t0) / 1000.0);
        return ok;
    }

    private interface Step {
        String run() throws Exception;
    }

    private boolean step(String name, Step step) {
        long t0 = System.nanoTime();
        try {
            String detail = step.run();
            out.printf("ok   %s: %s (%d ms)%n", name, detail, StackProvisioning.millisSince(t0));
            return true;
        } catch (Exception | AssertionError e) {
            out.printf("FAIL %s: %s (%d ms)%n", name, e, StackProvisioning.millisSince(t0));
            return false;
        }
    }

    private String kafkaRoundTrip(KafkaBroker kafka, String namespace) {
        String topic = Topic.TERMINAL_TX.nameIn(namespace);
        TerminalPayment sent = samplePayment();
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long offset;
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new KafkaAvroSerializer<>(TerminalPayment.class))) {
            offset = producer.send(new ProducerRecord<>(topic, sent.getTerminalId(), sent)).get().offset();
        } catch (Exception e) {
            throw new IllegalStateException("produce failed: " + e, e);
        }
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "aot-stack-check-" + namespace);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new KafkaAvroDeserializer<>(TerminalPayment.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (!r.value().equals(sent)) {
                        throw new AssertionError("read back a different record: " + r.value());
                    }
                    return "TerminalPayment " + sent.getTxId() + " (" + sent.getAmount().getAmountMinor()
                            + " AOT minor units) written at offset " + offset + " and read back equal";
                }
            }
        }
        throw new AssertionError("record not read back within " + TIMEOUT);
    }

    private String applyDdlTwice(CassandraNode cassandra, String id) {
        int statements = 0;
        try (CqlSession session = cassandra.newSession()) {
            for (int pass = 0; pass < 2; pass++) {
                for (Keyspace k : Keyspace.values()) {
                    statements += CqlSchema.apply(k, keyspaceName(k, id), Replication.simple(1), session::execute);
                }
            }
        }
        return statements + " statements over " + Keyspace.values().length + " keyspaces (*_check_" + id + ")";
    }

    private String cassandraRoundTrip(CassandraNode cassandra, String id) {
        String ks = keyspaceName(Keyspace.LEDGER, id);
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (CqlSession session = cassandra.newSession()) {
            session.execute(session.prepare("INSERT INTO " + ks + ".terminals (terminal_id, merchant_id, key_id, "
                    + "key_algorithm, public_key, status, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind("T-CHECK-1", "M-CHECK-1", "T-CHECK-1#1", "ED25519", ByteBuffer.wrap(new byte[32]), "ACTIVE", now));
            Row row = session.execute("SELECT merchant_id, status, registered_at FROM " + ks
                    + ".terminals WHERE terminal_id = 'T-CHECK-1'").one();
            if (row == null || !"M-CHECK-1".equals(row.getString(0)) || !now.equals(row.getInstant(2))) {
                throw new AssertionError("row not read back as written: " + row);
            }
        }
        return ks + ".terminals row T-CHECK-1 read back equal";
    }

    private String dropKeyspaces(CassandraNode cassandra, String id) {
        try (CqlSession session = cassandra.newSession()) {
            for (Keyspace k : Keyspace.values()) {
                session.execute("DROP KEYSPACE IF EXISTS " + keyspaceName(k, id));
            }
        }
        return Keyspace.values().length + " keyspaces";
    }

    private static String keyspaceName(Keyspace k, String id) {
        return k.defaultName() + "_check_" + id;
    }

    private static TerminalPayment samplePayment() {
        return TerminalPayment.newBuilder()
                .setTxId("check-" + UUID.randomUUID())
                .setKind(TransactionKind.PAYMENT)
                .setTerminalId("T-CHECK-1")
                .setTerminalSequence(1)
                .setMerchantId("M-CHECK-1")
                .setMerchantCategory(MerchantCategory.CAFE)
                .setRegion(Region.SEOUL)
                .setAcquirerId("ACQ-CHECK")
                .setMethod(PaymentMethod.AOT_COIN)
                .setWalletProvider(WalletProvider.AOT_WALLET)
                // 1,234.5 AOT: beyond 64 bits in 10^-18 units
                .setAmount(new Money(new BigDecimal(new BigInteger("1234500000000000000000")), Currency.AOT))
                .setCustomerToken("tok_check")
                .setCustomerWallet("0x0000000000000000000000000000000000000001")
                .setCreatedAtMillis(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .setKeyId("T-CHECK-1#1")
                .setSignatureAlgorithm(SignatureAlgorithm.ED25519)
                .setSignature(ByteBuffer.wrap(new byte[64]))
                .build();
    }
}
