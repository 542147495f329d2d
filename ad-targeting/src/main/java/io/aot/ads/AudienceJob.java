package io.aot.ads;

import io.aot.ads.profile.AudienceEvent;
import io.aot.ads.profile.ProfileFunction;
import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmDistributionFunction;
import io.aot.ads.rfm.RfmQuintiles;
import io.aot.ads.segment.AudienceControl;
import io.aot.ads.segment.MembershipDelta;
import io.aot.ads.segment.MembershipFunction;
import io.aot.ads.segment.PublicationFunction;
import io.aot.ads.segment.SegmentCatalog;
import io.aot.ads.segment.SegmentCatalogSource;
import io.aot.ads.segment.SegmentStatus;
import io.aot.ads.source.AudienceRecord;
import io.aot.ads.source.AudienceRecordDeserializer;
import io.aot.ads.store.AdsTable;
import io.aot.avro.MembershipChangeType;
import io.aot.avro.Rejection;
import io.aot.avro.SegmentMembershipChange;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.jobs.ingest.functions.Rejections;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.jobs.deploy.JobDefaults;
import io.aot.jobs.kafka.AvroRecordSerializer;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.ledger.privacy.CustomerPseudonyms;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Advertising audiences from the committed ledger: {@code aot.ledger.committed.v1} and the opt-out topic (customers
 * pseudonymized in the Kafka source) -> per-customer profiles (RFM, category affinity, home region, method, daypart,
 * weekday, AOT flags; event-time TTL) -> population RFM quintiles (broadcast) -> segment membership from the watched
 * definitions file (broadcast) -> the k-anonymity gate per segment -> {@code aot.audience.segments.v1} and
 * {@code aot_ads} tables. Undecodable records go to {@code aot.tx.rejected.v1}, stage {@code ads}.
 */
public final class AudienceJob {

    public static final String STAGE = "ads";
    public static final AvroTypeInfo<SegmentMembershipChange> CHANGE_TYPE =
            new AvroTypeInfo<>(SegmentMembershipChange.class);

    private AudienceJob() {
    }

    /** Where the ads rows go: Cassandra in production; anything in a test. */
    @FunctionalInterface
    public interface TableSinks extends Serializable {
        void write(DataStream<Row> rows, AdsTable table);

        static TableSinks cassandra(CassandraConnection cluster, String keyspace) {
            return (rows, table) -> table.write(rows, keyspace, cluster);
        }
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        // Read before the settings, which refuse any option nothing asked for.
        String consistency = p.get("cassandra-consistency", CassandraConnection.DEFAULT_CONSISTENCY.name());
        AudienceSettings s = AudienceSettings.fromArgs(p);
        StreamExecutionEnvironment env = defaults(s).applyTo(StreamExecutionEnvironment.getExecutionEnvironment());
        wire(env, s, committedSource(s), optOutSource(s), catalogSource(s),
                LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()),
                changeSink(s.bootstrapServers(), s.segmentsTopic()),
                TableSinks.cassandra(new CassandraConnection(s.cassandraContactPoint(), consistency), s.keyspace()));
        env.execute("aot-audiences");
    }

    /**
     * What {@code main} applies where the deployment gave none: {@code --parallelism}, {@code --checkpoint-interval-ms},
     * {@code --checkpoint-dir} (profiles outgrow the JobManager's in-memory checkpoints).
     */
    public static JobDefaults defaults(AudienceSettings s) {
        return new JobDefaults(s.parallelism(), s.checkpointIntervalMs(), false, s.checkpointDir(),
                JobDefaults.KeyedState.ROCKSDB);
    }

    public static KafkaSource<AudienceRecord> committedSource(AudienceSettings s) {
        return kafkaSource(s, s.committedTopic(), AudienceRecordDeserializer.Input.COMMITTED);
    }

    public static KafkaSource<AudienceRecord> optOutSource(AudienceSettings s) {
        return kafkaSource(s, s.optOutTopic(), AudienceRecordDeserializer.Input.OPT_OUT);
    }

    private static KafkaSource<AudienceRecord> kafkaSource(AudienceSettings s, String topic,
            AudienceRecordDeserializer.Input input) {
        return KafkaSource.<AudienceRecord>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(topic)
                .setGroupId(s.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new AudienceRecordDeserializer(input, CustomerPseudonyms.parse(s.pseudonymKey()),
                        s.maxRecordBytes()))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /** Checks the definitions file now, so a job never starts on a file it cannot use. */
    public static SourceFunction<AudienceControl> catalogSource(AudienceSettings s) {
        SegmentCatalog.read(Path.of(s.segmentsFile()));
        return new SegmentCatalogSource(Path.of(s.segmentsFile()), s.definitionPollMs());
    }

    /** {@code aot.audience.segments.v1} keyed by segment id, at least once: an ADD or REMOVE replays to the same end. */
    public static Sink<SegmentMembershipChange> changeSink(String bootstrap, String topic) {
        return KafkaSink.<SegmentMembershipChange>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, SegmentMembershipChange.class,
                        c -> c.getSegmentId().toString()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    public static void wire(StreamExecutionEnvironment env, AudienceSettings s, Source<AudienceRecord, ?, ?> committed,
            Source<AudienceRecord, ?, ?> optOuts, SourceFunction<AudienceControl> definitions,
            Sink<Rejection> rejections, Sink<SegmentMembershipChange> changes, TableSinks tables) {
        io.aot.schemas.serde.AvroRuntimeGuards.install();
        WatermarkStrategy<AudienceRecord> ledgerTime = WatermarkStrategy
                .<AudienceRecord>forBoundedOutOfOrderness(Duration.ofMillis(s.outOfOrdernessMs()))
                .withTimestampAssigner((r, kafkaTimestamp) -> r.eventTimeOrMin())
                .withIdleness(Duration.ofMillis(s.partitionIdleMs()));
        SingleOutputStreamOperator<AudienceEvent> ledgerEvents = env.fromSource(committed, ledgerTime,
                "committed-source").uid("ads-committed-source")
                .process(new RouteRecords()).name("ads-route-committed").uid("ads-route-committed");
        // Opt-outs carry their request time; a quiet opt-out topic must not hold the ledger's event time back.
        SingleOutputStreamOperator<AudienceEvent> optOutEvents = env.fromSource(optOuts, ledgerTime, "opt-out-source")
                .uid("ads-opt-out-source")
                .process(new RouteRecords()).name("ads-route-opt-outs").uid("ads-route-opt-outs");
        ledgerEvents.getSideOutput(Rejections.TAG).union(optOutEvents.getSideOutput(Rejections.TAG))
                .sinkTo(rejections).name("ads-rejections").uid("ads-rejections").setParallelism(1);
        tables.write(optOutEvents.map(e -> Row.of(e.member, e.kind == AudienceEvent.Kind.OPT_OUT,
                        Instant.ofEpochMilli(e.eventTimeMillis))).returns(AdsTable.OPT_OUTS.rowType())
                .name("opt-out-rows").uid("opt-out-rows"), AdsTable.OPT_OUTS);

        DataStream<ProfileSnapshot> profiles = ledgerEvents.union(optOutEvents).keyBy(e -> e.member)
                .process(new ProfileFunction(s.profileTtlDays())).name("profiles").uid("profiles")
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM);
        DataStream<RfmQuintiles> quintiles = profiles.keyBy(p -> RfmDistributionFunction.KEY)
                .process(new RfmDistributionFunction(s.quintilesEveryMs())).name("rfm-distribution")
                .uid("rfm-distribution").setParallelism(1).setMaxParallelism(JobDefaults.MAX_PARALLELISM);
        DataStream<AudienceControl> catalog = env.addSource(definitions, "segment-definitions")
                .returns(AudienceControl.class).uid("segment-definitions").setParallelism(1);
        BroadcastStream<AudienceControl> control = catalog
                .union(quintiles.map(AudienceControl::quintiles).returns(AudienceControl.class)
                        .name("rfm-control").uid("rfm-control").setParallelism(1))
                .broadcast(MembershipFunction.CONTROL);
        DataStream<MembershipDelta> deltas = profiles.keyBy(p -> p.member).connect(control)
                .process(new MembershipFunction()).name("segment-membership").uid("segment-membership")
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM);
        String keyId = CustomerPseudonyms.parse(s.pseudonymKey()).keyId();
        SingleOutputStreamOperator<SegmentMembershipChange> published = deltas.keyBy(d -> d.segmentId)
                .process(new PublicationFunction(s.k(), s.statusEveryMs(), keyId)).returns(CHANGE_TYPE)
                .name("k-anonymity-gate").uid("k-anonymity-gate").setMaxParallelism(JobDefaults.MAX_PARALLELISM);

        published.sinkTo(changes).name("segments-topic").uid("segments-topic");
        tables.write(published.map(AudienceJob::memberRow).returns(AdsTable.SEGMENT_MEMBERS.rowType())
                .name("segment-member-rows").uid("segment-member-rows"), AdsTable.SEGMENT_MEMBERS);
        tables.write(published.map(AudienceJob::byMemberRow).returns(AdsTable.SEGMENTS_BY_MEMBER.rowType())
                .name("segments-by-member-rows").uid("segments-by-member-rows"), AdsTable.SEGMENTS_BY_MEMBER);
        tables.write(published.getSideOutput(PublicationFunction.STATUS).map(AudienceJob::statusRow)
                .returns(AdsTable.SEGMENT_STATUS.rowType()).name("segment-status-rows").uid("segment-status-rows"),
                AdsTable.SEGMENT_STATUS);
        tables.write(catalog.flatMap((AudienceControl c, Collector<Row> out) -> {
            SegmentCatalog parsed = SegmentCatalog.parse(c.catalogJson);
            Instant now = Instant.now();
            parsed.segments().forEach(d -> out.collect(Row.of(d.id(), d.version(), parsed.definitionJson(d.id()), now)));
        }).returns(AdsTable.SEGMENT_DEFINITIONS.rowType()).name("segment-definition-rows")
                .uid("segment-definition-rows").setParallelism(1), AdsTable.SEGMENT_DEFINITIONS);
    }

    static Row memberRow(SegmentMembershipChange c) {
        String member = c.getMemberPseudonym().toString();
        boolean add = c.getChange() == MembershipChangeType.ADD;
        return Row.ofKind(add ? RowKind.INSERT : RowKind.DELETE, c.getSegmentId().toString(), AdsTable.bucket(member),
                member, c.getPseudonymKeyId().toString(), c.getChangedAtMillis(), c.getSegmentVersion());
    }

    static Row byMemberRow(SegmentMembershipChange c) {
        boolean add = c.getChange() == MembershipChangeType.ADD;
        return Row.ofKind(add ? RowKind.INSERT : RowKind.DELETE, c.getMemberPseudonym().toString(),
                c.getSegmentId().toString(), c.getChangedAtMillis());
    }

    static Row statusRow(SegmentStatus s) {
        return Row.of(s.segmentId, s.segmentVersion, s.memberCount, s.published, Instant.ofEpochMilli(s.updatedAtMillis));
    }

    /** Decoded events on; undecodable records to the rejection topic. */
    static final class RouteRecords extends ProcessFunction<AudienceRecord, AudienceEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(AudienceRecord r, Context ctx, Collector<AudienceEvent> out) {
            if (r.isBad()) {
                ctx.output(Rejections.TAG, Rejections.of(new SourceRecord(r.topic, r.partition, r.offset, 0, null,
                        r.badBytes), STAGE, r.badReason, "not a record the audience job can read", null, null));
                return;
            }
            out.collect(r.event);
        }
    }
}
