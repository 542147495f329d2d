package io.aot.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.ads.profile.AudienceEvent;
import io.aot.ads.profile.CustomerProfile;
import io.aot.ads.profile.MarketCalendar;
import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmDistribution;
import io.aot.ads.rfm.RfmQuintiles;
import io.aot.ads.segment.SegmentCatalog;
import io.aot.ads.segment.SegmentDefinition;
import io.aot.ads.source.AudienceRecordDeserializer;
import io.aot.analytics.load.SimulatedCommittedLedger;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.OptOut;
import io.aot.avro.Rejection;
import io.aot.avro.SegmentMembershipChange;
import io.aot.ingestion.simulator.Fleet;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.ledger.privacy.CustomerPseudonyms;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * AudienceJob on the real stack (Kafka, Cassandra, MiniCluster) with three days of seeded committed transactions
 * (Saturday to Monday) out of order plus undecodable records. The published membership of every segment, in the
 * {@code aot_ads} tables and as the net of the topic's adds and removes, must equal the sequential model (the profile,
 * quintile and definition code run in plain Java, each customer's events in one list, as of the last day, then the k
 * gate); then again after the definitions file changes (no replay: the job re-evaluates the profiles it holds), and
 * after opt-outs. A second job under another pseudonym key (a rotation) must publish segments of the same sizes with no
 * pseudonym in common. No raw customer token may be anywhere in the job's topic, tables or a savepoint of its state.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class AudienceJobIT {

    static final long SEED = 11;
    private static final int PER_DAY = 2_500;
    private static final Instant FIRST_DAY = Instant.parse("2026-11-20T15:00:00Z"); // Saturday 2026-11-21 in Seoul
    private static final int K = 50;
    static final long OUT_OF_ORDERNESS_MS = 60_000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String KEY_B = "rot2:" + "62".repeat(32);

    static final String V1 = """
            {"segments": [
              {"id": "wallet-first", "all": [{"field": "preferredMethod", "in": ["NFC_PHONE_WALLET", "QR_APP_TO_APP", "BARCODE_APP_TO_APP"]}]},
              {"id": "frequent", "all": [{"field": "frequency30d", "gte": 14}]},
              {"id": "champions", "all": [{"field": "rScore", "gte": 4}, {"field": "fScore", "gte": 4}, {"field": "mScore", "gte": 4}]},
              {"id": "seoul-big-spenders", "all": [{"field": "homeRegion", "eq": "SEOUL"}, {"field": "mScore", "eq": 5}]},
              {"id": "busan-weekend", "all": [{"field": "homeRegion", "eq": "BUSAN"}, {"field": "weekendShare", "gte": 0.5}]}
            ]}""";
    /** "frequent" tightened (version 2), "busan-weekend" dropped, "cafe-fans" added. */
    static final String V2 = """
            {"segments": [
              {"id": "wallet-first", "all": [{"field": "preferredMethod", "in": ["NFC_PHONE_WALLET", "QR_APP_TO_APP", "BARCODE_APP_TO_APP"]}]},
              {"id": "frequent", "version": 2, "all": [{"field": "frequency30d", "gte": 16}]},
              {"id": "champions", "all": [{"field": "rScore", "gte": 4}, {"field": "fScore", "gte": 4}, {"field": "mScore", "gte": 4}]},
              {"id": "seoul-big-spenders", "all": [{"field": "homeRegion", "eq": "SEOUL"}, {"field": "mScore", "eq": 5}]},
              {"id": "cafe-fans", "all": [{"field": "affinity.CAFE", "gte": 0.15}]}
            ]}""";

    @Test
    void publishedSegmentsEqualTheSequentialModelThroughDefinitionChangesOptOutsAndAKeyRotation(KafkaBroker kafka,
            CassandraNode cassandra, @TempDir Path dir) throws Exception {
        String ns = "ads" + UUID.randomUUID().toString().substring(0, 8);
        String nsB = ns + "b";
        String ksA = "aot_ads_" + ns;
        String ksB = "aot_ads_" + nsB;
        try (var admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
            TopicAdmin.ensureTopics(admin, nsB, (short) 1, Duration.ofSeconds(30));
        }
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.ADS, ksA, Replication.simple(1), s::execute);
            CqlSchema.apply(Keyspace.ADS, ksB, Replication.simple(1), s::execute);
        }
        Fleet fleet = fleet();
        List<CommittedTransaction> ledger = threeDays(fleet);
        Path segments = dir.resolve("segments.json");
        Files.writeString(segments, V1);

        String committedTopic = Topic.LEDGER_COMMITTED.nameIn(ns);
        AudienceSettings a = settings(kafka, cassandra, ns, ns, ksA, AudienceSettings.DEMO_PSEUDONYM_KEY, segments);
        AudienceSettings b = settings(kafka, cassandra, ns, nsB, ksB, KEY_B, segments);
        JobClient jobA = start(a);
        JobClient jobB = start(b);
        try {
            AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                for (CommittedTransaction t : SimulatedCommittedLedger.disorder(ledger, SEED, 60, 0, 0)) {
                    producer.send(new ProducerRecord<>(committedTopic, t.getTxId(), codec.encode(t)));
                }
                producer.send(new ProducerRecord<>(committedTopic, "bad", "not avro".getBytes()));
                producer.send(new ProducerRecord<>(committedTopic, "bad", new byte[0]));
                producer.flush();
            }
            CustomerPseudonyms keyA = CustomerPseudonyms.parse(AudienceSettings.DEMO_PSEUDONYM_KEY);
            CustomerPseudonyms keyB = CustomerPseudonyms.parse(KEY_B);
            int asOf = asOf(ledger);

            // 1. The first definitions.
            Model v1 = Model.of(ledger, keyA, SegmentCatalog.parse(V1), Set.of(), asOf);
            System.out.println("segment sizes (v1): " + v1.sizes);
            assertThat(v1.published).as("a segment at or over k").isNotEmpty();
            assertThat(v1.sizes.entrySet()).as("a non-empty segment under k, which must stay unpublished")
                    .anyMatch(e -> e.getValue() > 0 && e.getValue() < K);
            try (CqlSession s = cassandra.newSession()) {
                awaitMembers(s, ksA, v1.published);
                assertThat(status(s, ksA)).as("segments table: every size, published only at >= k")
                        .isEqualTo(v1.statusRows());
                // Key rotation: the same audiences, under pseudonyms that share nothing with the other key's.
                Model rotated = Model.of(ledger, keyB, SegmentCatalog.parse(V1), Set.of(), asOf);
                awaitMembers(s, ksB, rotated.published);
                assertThat(rotated.sizes).isEqualTo(v1.sizes);
                Set<String> common = new HashSet<>(allMembers(v1.published));
                common.retainAll(allMembers(rotated.published));
                assertThat(common).isEmpty();
                assertThat(allMembers(rotated.published)).allSatisfy(m -> assertThat(m).startsWith("rot2:"));
                assertThat(s.execute("SELECT DISTINCT segment_id, bucket FROM " + ksB + ".segment_members").all())
                        .isNotEmpty();
                stop(jobB);

                // 2. A changed definitions file, applied to the profiles held: no replay.
                Files.writeString(segments, V2);
                Model v2 = Model.of(ledger, keyA, SegmentCatalog.parse(V2), Set.of(), asOf);
                System.out.println("segment sizes (v2): " + v2.sizes);
                awaitMembers(s, ksA, v2.published);
                assertThat(s.execute("SELECT segment_version FROM " + ksA + ".segment_members WHERE segment_id = "
                        + "'frequent' AND bucket = 0").all()).allSatisfy(r -> assertThat(r.getInt(0)).isEqualTo(2));

                // 3. Opt-outs: members of a published segment leave every segment and stay out.
                String segment = v2.published.keySet().iterator().next();
                Map<String, String> tokenOf = new HashMap<>();
                for (Fleet.Customer c : fleet.customers()) {
                    tokenOf.put(keyA.of(c.token()), c.token());
                }
                List<String> optOutTokens = v2.published.get(segment).stream().limit(5).map(tokenOf::get).toList();
                assertThat(optOutTokens).doesNotContainNull();
                try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                    AvroCodec<OptOut> optOuts = AvroCodec.of(OptOut.class);
                    long at = FIRST_DAY.plus(Duration.ofDays(3)).toEpochMilli() - 3_600_000; // the last evening
                    for (String token : optOutTokens) {
                        producer.send(new ProducerRecord<>(a.optOutTopic(), "digest", optOuts.encode(
                                new OptOut(token, true, Instant.ofEpochMilli(at)))));
                    }
                    producer.send(new ProducerRecord<>(a.optOutTopic(), "bad", "{}".getBytes()));
                }
                Model v3 = Model.of(ledger, keyA, SegmentCatalog.parse(V2), Set.copyOf(optOutTokens), asOf);
                awaitMembers(s, ksA, v3.published);
                Set<String> optedOut = new TreeSet<>();
                s.execute("SELECT member FROM " + ksA + ".opt_outs WHERE opted_out = true ALLOW FILTERING")
                        .forEach(r -> optedOut.add(r.getString(0)));
                assertThat(optedOut).containsExactlyInAnyOrderElementsOf(optOutTokens.stream().map(keyA::of).toList());
                assertThat(s.execute("SELECT segment_id FROM " + ksA + ".segments_by_member WHERE member = '"
                        + keyA.of(optOutTokens.get(0)) + "'").all()).isEmpty();

                // The topic tells the same story as the tables.
                assertThat(netMembership(kafka, a.segmentsTopic())).isEqualTo(v3.published);
                assertThat(rejections(kafka, a.rejectedTopic())).containsExactlyInAnyOrder("ads/DECODE_EMPTY",
                        "ads/DECODE_BAD_HEADER", "ads/DECODE_BAD_HEADER");

                // 4. No raw token anywhere the job writes or keeps, while the scan does find them where they are.
                Path savepoint = Path.of(java.net.URI.create(jobA.triggerSavepoint(
                        dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get()));
                List<String> tokens = fleet.customers().stream().map(Fleet.Customer::token).toList();
                assertThat(tokensIn(List.of(topicBytes(kafka, committedTopic)), tokens)).as("control: the ledger "
                        + "topic holds raw tokens").isNotEmpty();
                assertThat(tokensIn(filesUnder(savepoint), tokens)).as("raw tokens in the job's state").isEmpty();
                assertThat(tokensIn(List.of(topicBytes(kafka, a.segmentsTopic())), tokens)).isEmpty();
                assertThat(tokensIn(List.of(tableText(s, ksA).getBytes(StandardCharsets.UTF_8)), tokens)).isEmpty();
            }
        } finally {
            stop(jobA);
            stop(jobB);
        }
    }

    /** Cancels the job and waits until it has ended, so no sink outlives the servers; a stopped job is left alone. */
    private static void stop(JobClient job) {
        try {
            job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ended) {
            // already cancelled, or the cancellation's own end
        }
    }

    static Fleet fleet() {
        return Fleet.generate(SEED, 60, 600);
    }

    /** Saturday to Monday, 2,500 committed transactions a day. */
    static List<CommittedTransaction> threeDays(Fleet fleet) {
        List<CommittedTransaction> ledger = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            ledger.addAll(SimulatedCommittedLedger.generate(fleet, SEED + d, PER_DAY,
                    FIRST_DAY.plus(Duration.ofDays(d)), 25));
        }
        return ledger;
    }

    /** The day the job's profiles are evaluated as of once every event is in: its watermark trails by the bound. */
    static int asOf(List<CommittedTransaction> ledger) {
        return MarketCalendar.day(ledger.stream().mapToLong(t -> t.getEventTimeMillis().toEpochMilli()).max()
                .orElseThrow() - OUT_OF_ORDERNESS_MS);
    }

    private static AudienceSettings settings(KafkaBroker kafka, CassandraNode cassandra, String inputNs, String outNs,
            String keyspace, String key, Path segments) {
        return AudienceSettings.fromArgs(ParameterTool.fromArgs(args(kafka, cassandra, inputNs, outNs, keyspace, key,
                segments)));
    }

    /** The job's command line, as for {@code flink run}: short intervals so the test sees results in seconds. */
    static String[] args(KafkaBroker kafka, CassandraNode cassandra, String inputNs, String outNs, String keyspace,
            String key, Path segments) {
        return new String[] {
            "--demo", "--bootstrap-servers", kafka.bootstrapServers(), "--cassandra", cassandra.contactPoint(),
            "--committed-topic", Topic.LEDGER_COMMITTED.nameIn(inputNs), "--opt-out-topic",
            Topic.ADS_OPT_OUT.nameIn(inputNs), "--segments-topic", Topic.AUDIENCE_SEGMENTS.nameIn(outNs),
            "--rejected-topic", Topic.TX_REJECTED.nameIn(outNs), "--group", "audience-it-" + outNs,
            "--keyspace", keyspace, "--pseudonym-key", key, "--segments", segments.toString(), "--k", Integer.toString(K),
            "--out-of-orderness-ms", Long.toString(OUT_OF_ORDERNESS_MS), "--partition-idle-ms", "3000",
            "--quintiles-every-ms", "500", "--status-every-ms", "300", "--definition-poll-ms", "300",
            "--checkpoint-interval-ms", "1000", "--parallelism", "2"};
    }

    private static JobClient start(AudienceSettings s) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = AudienceJob.defaults(s)
                .applyTo(StreamExecutionEnvironment.createLocalEnvironment(2, conf));
        AudienceJob.wire(env, s, AudienceJob.committedSource(s), AudienceJob.optOutSource(s),
                AudienceJob.catalogSource(s), LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()),
                AudienceJob.changeSink(s.bootstrapServers(), s.segmentsTopic()),
                AudienceJob.TableSinks.cassandra(new CassandraConnection(s.cassandraContactPoint()), s.keyspace()));
        return env.executeAsync("audience-it");
    }

    /** The sequential model: every customer's events in one list, as of the last day, quintiles, definitions, k. */
    record Model(Map<String, Set<String>> published, Map<String, Integer> sizes) {

        static Model of(List<CommittedTransaction> ledger, CustomerPseudonyms key, SegmentCatalog catalog,
                Set<String> optedOutTokens, int asOf) {
            Map<String, CustomerProfile> profiles = new TreeMap<>();
            for (CommittedTransaction t : ledger) {
                AudienceEvent e = AudienceRecordDeserializer.event(t, key);
                if (e != null) {
                    profiles.computeIfAbsent(e.member, m -> new CustomerProfile()).apply(e);
                }
            }
            optedOutTokens.forEach(t -> profiles.computeIfAbsent(key.of(t), m -> new CustomerProfile())
                    .apply(AudienceEvent.of(key.of(t), AudienceEvent.Kind.OPT_OUT, 0)));
            List<ProfileSnapshot> snapshots = new ArrayList<>();
            RfmDistribution distribution = new RfmDistribution();
            profiles.forEach((member, p) -> {
                ProfileSnapshot s = p.snapshot(member, asOf);
                snapshots.add(s);
                distribution.apply(s);
            });
            RfmQuintiles q = distribution.quintiles(1);
            Map<String, Set<String>> published = new TreeMap<>();
            Map<String, Integer> sizes = new TreeMap<>();
            for (SegmentDefinition d : catalog.segments()) {
                Set<String> members = new TreeSet<>();
                snapshots.stream().filter(s -> d.matches(s, q)).forEach(s -> members.add(s.member));
                sizes.put(d.id(), members.size());
                if (members.size() >= K) {
                    published.put(d.id(), members);
                }
            }
            return new Model(published, sizes);
        }

        Map<String, String> statusRows() {
            Map<String, String> rows = new TreeMap<>();
            sizes.forEach((id, n) -> {
                if (n > 0) {
                    rows.put(id, n + (n >= K ? " published" : " unpublished"));
                }
            });
            return rows;
        }
    }

    private static Set<String> allMembers(Map<String, Set<String>> published) {
        Set<String> all = new HashSet<>();
        published.values().forEach(all::addAll);
        return all;
    }

    static void awaitMembers(CqlSession s, String keyspace, Map<String, Set<String>> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Set<String>> got;
        do {
            got = members(s, keyspace);
            if (got.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        Map<String, String> sizes = new TreeMap<>();
        got.forEach((k, v) -> sizes.put(k, v.size() + (expected.containsKey(k) ? " of " + expected.get(k).size()
                : " (not expected)")));
        assertThat(got).as("published members in " + keyspace + " (sizes " + sizes + ")").isEqualTo(expected);
    }

    private static Map<String, Set<String>> members(CqlSession s, String keyspace) {
        Map<String, Set<String>> got = new TreeMap<>();
        s.execute("SELECT segment_id, member FROM " + keyspace + ".segment_members")
                .forEach(r -> got.computeIfAbsent(r.getString(0), x -> new TreeSet<>()).add(r.getString(1)));
        return got;
    }

    private static Map<String, String> status(CqlSession s, String keyspace) throws InterruptedException {
        Thread.sleep(1_000); // one more status flush
        Map<String, String> rows = new TreeMap<>();
        s.execute("SELECT segment_id, member_count, published FROM " + keyspace + ".segments").forEach(r -> {
            if (r.getLong(1) > 0) {
                rows.put(r.getString(0), r.getLong(1) + (r.getBoolean(2) ? " published" : " unpublished"));
            }
        });
        return rows;
    }

    private static Map<String, Set<String>> netMembership(KafkaBroker kafka, String topic) {
        AvroCodec<SegmentMembershipChange> codec = AvroCodec.of(SegmentMembershipChange.class);
        Map<String, Set<String>> net = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, topic)) {
            try {
                SegmentMembershipChange c = codec.decode(r.value());
                Set<String> m = net.computeIfAbsent(c.getSegmentId().toString(), x -> new TreeSet<>());
                if (c.getChange() == io.aot.avro.MembershipChangeType.ADD) {
                    m.add(c.getMemberPseudonym().toString());
                } else {
                    m.remove(c.getMemberPseudonym().toString());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        net.values().removeIf(Set::isEmpty);
        return net;
    }

    private static List<String> rejections(KafkaBroker kafka, String topic) throws Exception {
        AvroCodec<Rejection> codec = AvroCodec.of(Rejection.class);
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, topic)) {
            Rejection rej = codec.decode(r.value());
            out.add(rej.getStage() + "/" + rej.getReasonCode());
        }
        return out;
    }

    private static byte[] topicBytes(KafkaBroker kafka, String topic) {
        var out = new java.io.ByteArrayOutputStream();
        readAll(kafka, topic).forEach(r -> {
            if (r.key() != null) {
                out.writeBytes(r.key());
            }
            out.writeBytes(r.value());
        });
        return out.toByteArray();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker kafka, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "audience-it-read-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (var c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                var records = c.poll(Duration.ofMillis(1_000));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(all::add);
            }
        }
        return all;
    }

    private static String tableText(CqlSession s, String keyspace) {
        StringBuilder text = new StringBuilder();
        for (String table : List.of("segments", "segment_members", "segments_by_member", "opt_outs")) {
            s.execute("SELECT JSON * FROM " + keyspace + "." + table).forEach(r -> text.append(r.getString(0)));
        }
        return text.toString();
    }

    private static List<byte[]> filesUnder(Path root) throws Exception {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        assertThat(files).as("savepoint files").isNotEmpty();
        return files;
    }

    /** The tokens whose UTF-8 bytes occur in any of {@code blobs}. */
    private static Set<String> tokensIn(List<byte[]> blobs, List<String> tokens) {
        Set<String> found = new TreeSet<>();
        for (byte[] blob : blobs) {
            String text = new String(blob, StandardCharsets.ISO_8859_1); // byte for byte
            for (String t : tokens) {
                if (text.contains(t)) {
                    found.add(t);
                }
            }
        }
        return found;
    }

    static KafkaProducer<String, byte[]> producer(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
