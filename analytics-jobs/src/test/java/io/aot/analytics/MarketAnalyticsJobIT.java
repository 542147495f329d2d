package io.aot.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.analytics.alert.AlertThresholds;
import io.aot.analytics.load.SimulatedCommittedLedger;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Posting;
import io.aot.avro.PostingSide;
import io.aot.avro.Rejection;
import io.aot.ingestion.simulator.Fleet;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.jobs.kafka.LedgerTopicSinks;
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
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MarketAnalyticsJob on the real stack (Kafka, Cassandra, MiniCluster): a seeded simulated day of committed
 * transactions, delivered out of order with some arriving late (after their hour closed, within the allowed lateness),
 * plus undecodable records, with a task failure after a completed checkpoint halfway. Every aggregate table must equal
 * what plain Java computes from the same records, exactly; each bad record is in the rejection topic with its reason.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class MarketAnalyticsJobIT {

    private static final long SEED = 7;
    private static final int RECORDS = 8_000;
    private static final Instant DAY = Instant.parse("2026-11-22T15:00:00Z"); // 2026-11-23 00:00 in Seoul
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final int TOP_K = 5;
    /** Low enough that this market raises alerts of several rules: the table and the topic must agree on them. */
    private static final AlertThresholds ALERTS = new AlertThresholds(4, 3_600_000, 250, 1_800_000, 2.5, 10, 2);
    /**
     * Longer than the test: no partition is ever taken for idle. This test replays a whole day in seconds, in bursts;
     * a partition that went idle between bursts and comes back would hold events hours behind the others' watermark
     * (the first run of this test lost hourly rows that way). With live traffic event time is now, so a returning
     * partition is not behind; docs/analytics.md explains the setting.
     */
    private static final long PARTITION_IDLE_MS = 600_000;

    /** One injected failure per run, after a checkpoint completed (the MiniCluster runs in this JVM). */
    static final AtomicBoolean ARMED = new AtomicBoolean();

    @Test
    void everyAggregateEqualsPlainJavaOverTheSameRecordsAcrossARestore(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        String ns = "analytics" + UUID.randomUUID().toString().substring(0, 8);
        String keyspace = "aot_analytics_" + ns;
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.ANALYTICS, keyspace, Replication.simple(1), s::execute);
        }
        Fleet fleet = Fleet.generate(SEED, 60, 600);
        List<CommittedTransaction> ledger = SimulatedCommittedLedger.generate(fleet, SEED, RECORDS, DAY, 25);
        // ~8,000 records over a day: 40 places is minutes of event time (out of order, within the 2-minute bound);
        // every 53rd record arrives 150 places (about half an hour at peak, hours at night) after its turn: late.
        List<CommittedTransaction> arrival = SimulatedCommittedLedger.disorder(ledger, SEED, 40, 53, 150);
        String topic = Topic.LEDGER_COMMITTED.nameIn(ns);

        AnalyticsSettings settings = new AnalyticsSettings(kafka.bootstrapServers(), topic, "analytics-it-" + ns,
                Topic.TX_REJECTED.nameIn(ns), cassandra.contactPoint(), keyspace, AnalyticsSettings.DEMO_PSEUDONYM_KEY,
                120_000, PARTITION_IDLE_MS, 12 * 3_600_000L, 500, TOP_K, ALERTS, 1_000, 2,
                Topic.MAX_MESSAGE_BYTES);
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        StreamExecutionEnvironment env = MarketAnalyticsJob.defaults(settings)
                .applyTo(StreamExecutionEnvironment.createLocalEnvironment(2, conf));
        CassandraConnection cluster = new CassandraConnection(cassandra.contactPoint());
        ARMED.set(true);
        MarketAnalyticsJob.wire(env, settings, MarketAnalyticsJob.kafkaSource(settings),
                LedgerTopicSinks.rejections(kafka.bootstrapServers(), settings.rejectedTopic()),
                MarketAnalyticsJob.alertSink(kafka.bootstrapServers(), Topic.ANALYTICS_ALERTS.nameIn(ns)),
                (rows, table) -> {
                    if (table.name().equals("merchant_sales_hourly")) {
                        rows = rows.map(new FailOnceAfterACheckpoint()).returns(table.rowType())
                                .name("fail-once").uid("fail-once");
                    }
                    table.write(rows, keyspace, cluster);
                });

        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        int half = arrival.size() / 2;
        List<Integer> badOffsetsProduced = new ArrayList<>();
        JobClient job = env.executeAsync("analytics-it");
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            produce(producer, topic, codec, arrival.subList(0, half));
            byte[] truncated = Arrays.copyOf(codec.encode(arrival.get(0)), 30);
            for (byte[] bad : List.of("not avro".getBytes(), truncated, new byte[0])) {
                producer.send(new ProducerRecord<>(topic, 0, "bad", bad)).get();
                badOffsetsProduced.add(1);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (ARMED.get() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            produce(producer, topic, codec, arrival.subList(half, arrival.size()));
        }
        try {
            Map<String, Map<String, String>> expected = expected(ledger);
            Map<String, Map<String, String>> got = new TreeMap<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (CqlSession s = cassandra.newSession()) {
                do {
                    got = read(s, keyspace);
                    if (got.equals(expected)) {
                        break;
                    }
                    Thread.sleep(1_000);
                } while (System.nanoTime() < deadline);
                assertThat(ARMED.get()).as("the injected failure happened").isFalse();
                List<String> differences = new ArrayList<>();
                for (String table : expected.keySet()) {
                    assertThat(expected.get(table)).as(table + " has rows").isNotEmpty();
                    differences.addAll(differences(table, expected.get(table), got.get(table)));
                }
                assertThat(differences).as("rows that differ from plain Java (table key: expected / written)")
                        .isEmpty();
                Set<String> tableAlerts = new java.util.TreeSet<>();
                Set<String> rules = new java.util.TreeSet<>();
                for (Row r : s.execute("SELECT alert_id, rule, subject_type, subject_id FROM " + keyspace + ".alerts")) {
                    tableAlerts.add(r.getString(0));
                    rules.add(r.getString(1));
                    if ("customer".equals(r.getString(2))) {
                        assertThat(r.getString(3)).as("alerts name customers by pseudonym").startsWith("demo:");
                    }
                }
                assertThat(rules).as("rules that fired").contains("CUSTOMER_VELOCITY", "TERMINAL_BURST");
                // TERMINAL_BURST counts a terminal's payments per event-time minute: its alerts do not depend on
                // arrival order, so a replay after the failover raises exactly the same ones, and table and topic must
                // agree. The other rules see a key's payments in arrival order, which a restore can change: the table
                // may keep an alert of the rolled-back attempt that the topic lost (seen: 5 of 959), see
                // docs/analytics.md.
                Set<String> topicAlerts = readAlertIds(kafka, Topic.ANALYTICS_ALERTS.nameIn(ns), tableAlerts.size());
                Set<String> tableBursts = new java.util.TreeSet<>();
                tableAlerts.stream().filter(a -> a.startsWith("TERMINAL_BURST|")).forEach(tableBursts::add);
                Set<String> topicBursts = new java.util.TreeSet<>();
                topicAlerts.stream().filter(a -> a.startsWith("TERMINAL_BURST|")).forEach(topicBursts::add);
                assertThat(tableBursts).as("terminal bursts raised").isNotEmpty();
                assertThat(topicBursts).as("the alerts topic holds the table's terminal bursts, once each")
                        .isEqualTo(tableBursts);
                assertThat(topicAlerts.size()).as("the topic holds (nearly) every alert of the table")
                        .isGreaterThan(tableAlerts.size() * 9 / 10);
            }
            Map<String, String> rejections = readRejections(kafka, settings.rejectedTopic(), badOffsetsProduced.size());
            assertThat(rejections.values()).containsExactlyInAnyOrder("analytics:DECODE_BAD_HEADER",
                    "analytics:DECODE_TRUNCATED", "analytics:DECODE_EMPTY");
        } finally {
            job.cancel().get();
        }
    }

    /** At most 10 differing rows per table, readable. */
    private static List<String> differences(String table, Map<String, String> expected, Map<String, String> got) {
        Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(got.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), got.get(k)) && out.size() < 10) {
                out.add(table + " " + k + ": " + expected.get(k) + " / " + got.get(k));
            }
        }
        return out;
    }

    static final class FailOnceAfterACheckpoint extends RichMapFunction<org.apache.flink.types.Row,
            org.apache.flink.types.Row> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient volatile boolean checkpointed;

        @Override
        public org.apache.flink.types.Row map(org.apache.flink.types.Row row) {
            if (checkpointed && ARMED.compareAndSet(true, false)) {
                throw new IllegalStateException("injected task failure after a completed checkpoint");
            }
            return row;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void produce(KafkaProducer<String, byte[]> producer, String topic,
            AvroCodec<CommittedTransaction> codec, List<CommittedTransaction> records) throws Exception {
        for (CommittedTransaction t : records) {
            producer.send(new ProducerRecord<>(topic, t.getTxId(), codec.encode(t)));
        }
        producer.flush();
    }

    // ---- the oracle: plain Java over the same records, written without the job's code ----

    private static LocalDate day(Instant t) {
        return t.atZone(SEOUL).toLocalDate();
    }

    private static Instant hour(Instant t) {
        return t.atZone(SEOUL).withMinute(0).withSecond(0).withNano(0).toInstant();
    }

    private static BigInteger amount(CommittedTransaction t) {
        return t.getAmount().getAmountMinor().toBigIntegerExact();
    }

    private static String customer(CommittedTransaction t) {
        return t.getCustomerToken() != null ? t.getCustomerToken() : t.getCustomerWallet();
    }

    /** Per table: row key -> figures, as text. */
    static Map<String, Map<String, String>> expected(List<CommittedTransaction> ledger) {
        List<CommittedTransaction> ok = ledger.stream().filter(t -> "OK".equals(t.getResultCode())).toList();
        List<CommittedTransaction> payments = ok.stream()
                .filter(t -> t.getKind().name().equals("PAYMENT") && t.getMerchantId() != null).toList();
        List<CommittedTransaction> refunds = ok.stream()
                .filter(t -> t.getKind().name().equals("REFUND") && t.getMerchantId() != null).toList();
        Map<String, Map<String, String>> out = new TreeMap<>();

        out.put("merchant_sales_daily", sales(payments, refunds, t -> t.getMerchantId() + "|"
                + day(t.getEventTimeMillis()) + "|" + t.getAmount().getCurrency() + "|" + t.getMerchantCategory()
                + "|" + t.getRegion(), true));
        out.put("merchant_sales_hourly", sales(payments, refunds, t -> t.getMerchantId() + "|"
                + day(t.getEventTimeMillis()) + "|" + hour(t.getEventTimeMillis()) + "|" + t.getAmount().getCurrency(),
                true));
        out.put("category_region_daily", sales(payments, List.of(), t -> day(t.getEventTimeMillis()) + "|"
                + t.getMerchantCategory() + "|" + t.getRegion() + "|" + t.getAmount().getCurrency(), false));
        out.put("category_region_hourly", sales(payments, List.of(), t -> t.getMerchantCategory() + "|"
                + t.getRegion() + "|" + day(t.getEventTimeMillis()) + "|" + hour(t.getEventTimeMillis()) + "|"
                + t.getAmount().getCurrency(), false));

        Map<String, long[]> methodCount = new TreeMap<>();
        Map<String, BigInteger> methodKrw = new TreeMap<>();
        for (CommittedTransaction t : payments) {
            String k = t.getRegion() + "|" + day(t.getEventTimeMillis()) + "|" + t.getMethod() + "|"
                    + t.getWalletProvider();
            methodCount.computeIfAbsent(k, x -> new long[1])[0]++;
            methodKrw.merge(k, "KRW".equals(t.getAmount().getCurrency().name()) ? amount(t) : BigInteger.ZERO,
                    BigInteger::add);
        }
        Map<String, String> method = new TreeMap<>();
        methodCount.forEach((k, c) -> method.put(k, c[0] + " " + methodKrw.get(k)));
        out.put("method_share_daily", method);

        Map<String, long[]> flowCount = new TreeMap<>();
        Map<String, BigInteger> flowAot = new TreeMap<>();
        Map<String, long[]> swapCount = new TreeMap<>();
        Map<String, BigInteger[]> swapAmounts = new TreeMap<>();
        for (CommittedTransaction t : ok) {
            LocalDate d = day(t.getEventTimeMillis());
            BigInteger reward = BigInteger.ZERO;
            BigInteger swapAot = BigInteger.ZERO;
            List<Posting> p = t.getPostings();
            for (int i = 0; i < p.size(); i++) {
                Posting leg = p.get(i);
                if (leg.getSide() == PostingSide.CREDIT && leg.getAmount().getCurrency().name().equals("AOT")) {
                    BigInteger aot = leg.getAmount().getAmountMinor().toBigIntegerExact();
                    if (leg.getAccount().equals("pool:reward")) {
                        reward = reward.add(aot);
                    } else if (leg.getAccount().endsWith(":aot-reserve")) {
                        swapAot = swapAot.add(aot);
                    }
                }
            }
            String kind = t.getKind().name();
            if (kind.equals("PAYMENT") && t.getAmount().getCurrency().name().equals("AOT")) {
                flow(flowCount, flowAot, d + "|COIN_PAYMENT", amount(t));
            }
            if (reward.signum() > 0) {
                flow(flowCount, flowAot, d + "|REWARD", reward);
            }
            if (swapAot.signum() > 0) {
                flow(flowCount, flowAot, d + "|POINT_SWAP", swapAot);
            }
            if (kind.equals("POINT_SWAP")) {
                String k = d + "|" + t.getPointCompanyId();
                swapCount.computeIfAbsent(k, x -> new long[1])[0]++;
                BigInteger[] a = swapAmounts.computeIfAbsent(k, x -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
                a[0] = a[0].add(amount(t));
                a[1] = a[1].add(swapAot);
            }
        }
        Map<String, String> flows = new TreeMap<>();
        flowCount.forEach((k, c) -> flows.put(k, c[0] + " " + flowAot.get(k)));
        out.put("token_flow_daily", flows);
        Map<String, String> swaps = new TreeMap<>();
        swapCount.forEach((k, c) -> swaps.put(k, c[0] + " " + swapAmounts.get(k)[0] + " " + swapAmounts.get(k)[1]));
        out.put("point_swaps_daily", swaps);

        // Top-K merchants per region-day by KRW gross, ties by merchant id.
        Map<String, Map<String, BigInteger>> gross = new TreeMap<>();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        Map<String, String> categoryOf = new HashMap<>();
        for (CommittedTransaction t : payments) {
            if (!"KRW".equals(t.getAmount().getCurrency().name())) {
                continue;
            }
            String group = t.getRegion() + "|" + day(t.getEventTimeMillis());
            gross.computeIfAbsent(group, x -> new HashMap<>()).merge(t.getMerchantId(), amount(t), BigInteger::add);
            counts.computeIfAbsent(group, x -> new HashMap<>()).merge(t.getMerchantId(), 1L, Long::sum);
            categoryOf.put(t.getMerchantId(), t.getMerchantCategory().name());
        }
        Map<String, String> top = new TreeMap<>();
        gross.forEach((group, byMerchant) -> {
            List<String> ranked = new ArrayList<>(byMerchant.keySet());
            ranked.sort(Comparator.comparing((String m) -> byMerchant.get(m)).reversed()
                    .thenComparing(Comparator.naturalOrder()));
            for (int rank = 1; rank <= Math.min(TOP_K, ranked.size()); rank++) {
                String m = ranked.get(rank - 1);
                top.put(group + "|" + rank, m + " " + categoryOf.get(m) + " " + byMerchant.get(m) + " "
                        + counts.get(group).get(m));
            }
        });
        out.put("top_merchants_by_region_day", top);
        return out;
    }

    private static void flow(Map<String, long[]> counts, Map<String, BigInteger> sums, String key, BigInteger aot) {
        counts.computeIfAbsent(key, x -> new long[1])[0]++;
        sums.merge(key, aot, BigInteger::add);
    }

    private static Map<String, String> sales(List<CommittedTransaction> payments, List<CommittedTransaction> refunds,
            Function<CommittedTransaction, String> key, boolean withRefunds) {
        Map<String, long[]> count = new TreeMap<>();
        Map<String, BigInteger> sum = new TreeMap<>();
        Map<String, Set<String>> customers = new TreeMap<>();
        Map<String, long[]> refundCount = new TreeMap<>();
        Map<String, BigInteger> refundSum = new TreeMap<>();
        for (CommittedTransaction t : payments) {
            String k = key.apply(t);
            count.computeIfAbsent(k, x -> new long[1])[0]++;
            sum.merge(k, amount(t), BigInteger::add);
            Set<String> c = customers.computeIfAbsent(k, x -> new HashSet<>());
            if (customer(t) != null) {
                c.add(customer(t));
            }
        }
        for (CommittedTransaction t : refunds) {
            String k = key.apply(t);
            refundCount.computeIfAbsent(k, x -> new long[1])[0]++;
            refundSum.merge(k, amount(t), BigInteger::add);
        }
        Set<String> keys = new java.util.TreeSet<>(count.keySet());
        keys.addAll(refundCount.keySet());
        Map<String, String> out = new TreeMap<>();
        for (String k : keys) {
            long n = count.containsKey(k) ? count.get(k)[0] : 0;
            BigInteger g = sum.getOrDefault(k, BigInteger.ZERO);
            long u = customers.containsKey(k) ? customers.get(k).size() : 0;
            if (withRefunds) {
                out.put(k, n + " " + g + " " + (refundCount.containsKey(k) ? refundCount.get(k)[0] : 0) + " "
                        + refundSum.getOrDefault(k, BigInteger.ZERO) + " " + u + " "
                        + (n == 0 ? BigInteger.ZERO : g.divide(BigInteger.valueOf(n))));
            } else {
                out.put(k, n + " " + g + " " + u);
            }
        }
        return out;
    }

    /** The job's tables, in the oracle's shape. */
    static Map<String, Map<String, String>> read(CqlSession s, String ks) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        out.put("merchant_sales_daily", rows(s, "SELECT merchant_id, day, currency, merchant_category, region, "
                + "payment_count, gross_minor, refund_count, refund_minor, unique_customers, avg_ticket_minor FROM "
                + ks + ".merchant_sales_daily", 5));
        out.put("merchant_sales_hourly", rows(s, "SELECT merchant_id, day, hour, currency, payment_count, gross_minor, "
                + "refund_count, refund_minor, unique_customers, avg_ticket_minor FROM " + ks + ".merchant_sales_hourly",
                4));
        out.put("category_region_daily", rows(s, "SELECT day, merchant_category, region, currency, payment_count, "
                + "gross_minor, unique_customers FROM " + ks + ".category_region_daily", 4));
        out.put("category_region_hourly", rows(s, "SELECT merchant_category, region, day, hour, currency, "
                + "payment_count, gross_minor, unique_customers FROM " + ks + ".category_region_hourly", 5));
        out.put("method_share_daily", rows(s, "SELECT region, day, method, wallet_provider, payment_count, gross_krw "
                + "FROM " + ks + ".method_share_daily", 4));
        out.put("token_flow_daily", rows(s, "SELECT day, flow, tx_count, aot_minor FROM " + ks + ".token_flow_daily", 2));
        out.put("point_swaps_daily", rows(s, "SELECT day, point_company_id, swap_count, points_minor, aot_minor FROM "
                + ks + ".point_swaps_daily", 2));
        out.put("top_merchants_by_region_day", rows(s, "SELECT region, day, rank, merchant_id, merchant_category, "
                + "gross_krw, payment_count FROM " + ks + ".top_merchants_by_region_day", 3));
        return out;
    }

    private static Map<String, String> rows(CqlSession s, String cql, int keyColumns) {
        Map<String, String> out = new TreeMap<>();
        for (Row r : s.execute(cql)) {
            List<String> k = new ArrayList<>();
            List<String> v = new ArrayList<>();
            for (int i = 0; i < r.getColumnDefinitions().size(); i++) {
                (i < keyColumns ? k : v).add(String.valueOf(r.getObject(i)));
            }
            out.put(String.join("|", k), String.join(" ", v));
        }
        return out;
    }

    private static Set<String> readAlertIds(KafkaBroker kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> ids = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (var consumer = new KafkaConsumer<>(p, new org.apache.kafka.common.serialization.StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (ids.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> ids.add(r.key()));
            }
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> ids.add(r.key())); // nothing beyond the table's
        }
        return ids;
    }

    private static Map<String, String> readRejections(KafkaBroker kafka, String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroCodec<Rejection> codec = AvroCodec.of(Rejection.class);
        Map<String, String> byCoordinates = new TreeMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (byCoordinates.size() < expected && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    Rejection rej = codec.decode(r.value());
                    byCoordinates.put(rej.getSourcePartition() + "/" + rej.getSourceOffset(),
                            rej.getStage() + ":" + rej.getReasonCode());
                }
            }
        }
        return byCoordinates;
    }
}
