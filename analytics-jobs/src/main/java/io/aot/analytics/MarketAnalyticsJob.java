package io.aot.analytics;

import io.aot.analytics.aggregate.AggregateShape;
import io.aot.analytics.aggregate.Fact;
import io.aot.analytics.aggregate.TopMerchantsFunction;
import io.aot.analytics.aggregate.TotalsFunction;
import io.aot.analytics.alert.AlertBudgetFunction;
import io.aot.analytics.alert.AlertThresholds;
import io.aot.analytics.alert.Alerts;
import io.aot.analytics.alert.CustomerPatternFunction;
import io.aot.analytics.alert.TerminalBurstFunction;
import io.aot.analytics.alert.TicketOutlierFunction;
import io.aot.analytics.model.MarketEvent;
import io.aot.analytics.source.CommittedRecordDeserializer;
import io.aot.analytics.source.MarketRecord;
import io.aot.analytics.store.AnalyticsTables;
import io.aot.avro.MarketAlert;
import io.aot.avro.Rejection;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.jobs.cassandra.CassandraTable;
import io.aot.jobs.ingest.functions.Rejections;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.jobs.deploy.JobDefaults;
import io.aot.jobs.kafka.AvroRecordSerializer;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.schemas.topics.Topic;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Market analytics on the committed ledger: {@code aot.ledger.committed.v1} (read_committed, event time = payment
 * time, watermarks per partition) -> windowed upsert aggregates (merchant, category x region, method mix, top-K
 * merchants, AOT token flow, point swaps) -> Cassandra {@code aot_analytics}; alerts -> {@code aot_analytics.alerts}
 * and {@code aot.analytics.alerts.v1}. Records that do not decode go
 * to {@code aot.tx.rejected.v1} (stage {@code analytics}); refused transactions are counted, not aggregated.
 */
public final class MarketAnalyticsJob {

    public static final String STAGE = "analytics";

    private MarketAnalyticsJob() {
    }

    /** Where the rows go: Cassandra in production; anything in a test. */
    @FunctionalInterface
    public interface TableSinks extends Serializable {
        void write(DataStream<Row> rows, CassandraTable table);

        static TableSinks cassandra(CassandraConnection cluster, String keyspace) {
            return (rows, table) -> table.write(rows, keyspace, cluster);
        }
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        // Read before the settings, which refuse any option nothing asked for.
        String alertsTopic = p.get("alerts-topic", Topic.ANALYTICS_ALERTS.baseName());
        String consistency = p.get("cassandra-consistency", CassandraConnection.DEFAULT_CONSISTENCY.name());
        AnalyticsSettings s = AnalyticsSettings.fromArgs(p);
        StreamExecutionEnvironment env = defaults(s).applyTo(StreamExecutionEnvironment.getExecutionEnvironment());
        wire(env, s, kafkaSource(s), LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()),
                alertSink(s.bootstrapServers(), alertsTopic),
                TableSinks.cassandra(new CassandraConnection(s.cassandraContactPoint(), consistency), s.keyspace()));
        env.execute("aot-market-analytics");
    }

    /** What {@code main} applies where the deployment gave none: {@code --parallelism}, {@code --checkpoint-interval-ms}. */
    public static JobDefaults defaults(AnalyticsSettings s) {
        return new JobDefaults(s.parallelism(), s.checkpointIntervalMs(), false, null);
    }

    public static KafkaSource<MarketRecord> kafkaSource(AnalyticsSettings s) {
        return KafkaSource.<MarketRecord>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(s.committedTopic())
                .setGroupId(s.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new CommittedRecordDeserializer(CustomerPseudonyms.parse(s.pseudonymKey()),
                        s.maxRecordBytes()))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    public static void wire(StreamExecutionEnvironment env, AnalyticsSettings s, Source<MarketRecord, ?, ?> source,
            Sink<Rejection> rejections, Sink<MarketAlert> alertSink, TableSinks tables) {
        WatermarkStrategy<MarketRecord> watermarks = WatermarkStrategy
                .<MarketRecord>forBoundedOutOfOrderness(Duration.ofMillis(s.outOfOrdernessMs()))
                .withTimestampAssigner((r, kafkaTimestamp) -> r.eventTimeOrMin())
                .withIdleness(Duration.ofMillis(s.partitionIdleMs()));
        SingleOutputStreamOperator<MarketEvent> events = env.fromSource(source, watermarks, "committed-source")
                .uid("committed-source")
                .process(new RouteRecords()).name("route-records").uid("route-records");
        events.getSideOutput(Rejections.TAG).sinkTo(rejections).name("analytics-rejections")
                .uid("analytics-rejections").setParallelism(1);

        for (AggregateShape shape : AggregateShape.values()) {
            String name = shape.table().name();
            tables.write(events.flatMap((MarketEvent e, Collector<Fact> out) -> shape.facts(e).forEach(out::collect))
                    .returns(Fact.class).name(name + "-facts").uid(name + "-facts")
                    .keyBy(shape::key)
                    .process(new TotalsFunction(shape, s.allowedLatenessMs(), s.flushEveryMs()))
                    .returns(shape.table().rowType()).name(name).uid(name)
                    .setMaxParallelism(JobDefaults.MAX_PARALLELISM), shape.table());
        }
        for (TopMerchantsFunction.Ranking ranking : TopMerchantsFunction.Ranking.values()) {
            String name = ranking.table().name();
            tables.write(events.flatMap((MarketEvent e, Collector<Fact> out) -> ranking.facts(e).forEach(out::collect))
                    .returns(Fact.class).name(name + "-facts").uid(name + "-facts")
                    .keyBy(ranking::key)
                    .process(new TopMerchantsFunction(ranking, s.topK(), s.allowedLatenessMs(), s.flushEveryMs()))
                    .returns(ranking.table().rowType()).name(name).uid(name)
                    .setMaxParallelism(JobDefaults.MAX_PARALLELISM), ranking.table());
        }

        DataStream<MarketEvent> payments = events.filter(e -> e.ok() && e.is("PAYMENT") && e.merchantId != null)
                .name("payments").uid("payments");
        DataStream<MarketAlert> alerts = payments.filter(e -> e.customer != null).name("customer-payments")
                .uid("customer-payments")
                .keyBy(e -> e.customer).process(new CustomerPatternFunction(s.alerts()))
                .returns(Alerts.TYPE).name("customer-alerts").uid("customer-alerts")
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM)
                .union(payments.keyBy(e -> e.merchantId + "|" + e.currency)
                                .process(new TicketOutlierFunction(s.alerts()))
                                .returns(Alerts.TYPE).name("ticket-alerts").uid("ticket-alerts")
                                .setMaxParallelism(JobDefaults.MAX_PARALLELISM),
                        payments.filter(e -> e.terminalId != null).name("terminal-payments").uid("terminal-payments")
                                .keyBy(e -> e.terminalId).process(new TerminalBurstFunction(s.alerts()))
                                .returns(Alerts.TYPE).name("terminal-alerts").uid("terminal-alerts")
                                .setMaxParallelism(JobDefaults.MAX_PARALLELISM))
                .keyBy(a -> a.getRule().toString())
                .process(new AlertBudgetFunction(AlertThresholds.MAX_ALERTS_PER_RULE_PER_HOUR, s.allowedLatenessMs()))
                .returns(Alerts.TYPE).name("alert-budget").uid("alert-budget")
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM);
        alerts.sinkTo(alertSink).name("alerts-topic").uid("alerts-topic").setParallelism(1);
        tables.write(alerts.map(Alerts::row).returns(AnalyticsTables.ALERTS.rowType()).name("alerts-rows")
                .uid("alerts-rows"), AnalyticsTables.ALERTS);
    }

    /**
     * {@code aot.analytics.alerts.v1}, at least once: alert ids are deterministic (rule, subject, bucket or
     * transactions), so a replayed alert has the same key and readers that key by it see it once.
     */
    public static Sink<MarketAlert> alertSink(String bootstrap, String topic) {
        return KafkaSink.<MarketAlert>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, MarketAlert.class, a -> a.getAlertId().toString()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Decoded events on; undecodable records to the rejection topic; refused transactions counted. */
    static final class RouteRecords extends ProcessFunction<MarketRecord, MarketEvent> {
        private static final long serialVersionUID = 1L;
        private transient Counter undecodable;
        private transient Counter refused;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
            undecodable = getRuntimeContext().getMetricGroup().counter("undecodableRecords");
            refused = getRuntimeContext().getMetricGroup().counter("refusedTransactions");
        }

        @Override
        public void processElement(MarketRecord r, Context ctx, Collector<MarketEvent> out) {
            if (r.event == null) {
                undecodable.inc();
                ctx.output(Rejections.TAG, Rejections.of(new SourceRecord(r.topic, r.partition, r.offset, 0, null,
                        r.badBytes), STAGE, r.badReason, "not a CommittedTransaction this job can read", null, null));
                return;
            }
            if (!r.event.ok()) {
                refused.inc();
            }
            out.collect(r.event);
        }
    }

}
