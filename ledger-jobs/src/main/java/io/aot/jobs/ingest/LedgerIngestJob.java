package io.aot.jobs.ingest;

import io.aot.avro.Rejection;
import io.aot.consensus.flink.ConsensusSink;
import io.aot.jobs.deploy.JobDefaults;
import io.aot.jobs.ingest.functions.DecodeValidateFunction;
import io.aot.jobs.ingest.functions.DedupeByTxIdFunction;
import io.aot.ledger.validation.PaymentLimits;
import io.aot.ledger.validation.PaymentValidation;
import io.aot.jobs.ingest.functions.Rejections;
import io.aot.jobs.ingest.functions.TerminalSequenceOrderFunction;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.jobs.ingest.kafka.SourceRecordDeserializer;
import io.aot.jobs.ingest.model.LedgerTx;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.jobs.ingest.registry.CassandraTerminalDirectory;
import io.aot.jobs.ingest.registry.TerminalDirectoryFactory;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Terminal payments and chain transfers from Kafka, validated, deduplicated and put in per-terminal order, committed
 * through the validators' consensus; every refusal goes to {@code aot.tx.rejected.v1} with its reason code.
 *
 * <pre>
 * Kafka (terminal + chain topics, raw bytes)
 *   -> decode + validate          (stateless; device signature verified here, once)
 *   -> keyBy terminal: dedupe     (per tx id, keyed state with TTL)
 *   -> order                      (same key: sequence order, bounded gap hold)
 *   -> ConsensusSink              (endorsed batches; flush before every checkpoint)
 * every stage's refusals -> union -> Kafka aot.tx.rejected.v1
 * </pre>
 *
 * This class only wires: sources, functions and sinks are passed in, so tests swap them.
 */
public final class LedgerIngestJob {

    private LedgerIngestJob() {
    }

    public static void main(String[] args) throws Exception {
        IngestSettings settings = IngestSettings.fromArgs(args);
        StreamExecutionEnvironment env = defaults(settings).applyTo(StreamExecutionEnvironment.getExecutionEnvironment());
        wire(env, settings, kafkaSource(settings), consensusSink(settings), rejectionSink(settings),
                terminalDirectory(settings));
        env.execute("aot-ledger-ingest");
    }

    /**
     * What {@code main} applies where the deployment gave none: {@code --parallelism}, checkpoints every
     * {@code --checkpoint-interval-ms}, unaligned (under back-pressure aligned barriers waited 40 s behind the buffered
     * records in the pipeline benchmark, and the source's offsets only move when a checkpoint completes).
     */
    public static JobDefaults defaults(IngestSettings s) {
        return new JobDefaults(s.parallelism(), s.checkpointIntervalMs(), true, null, JobDefaults.KeyedState.ROCKSDB);
    }

    /** Builds the pipeline into {@code env}; parallelism and checkpointing are the deployment's ({@link #defaults}). */
    public static void wire(StreamExecutionEnvironment env, IngestSettings s, Source<SourceRecord, ?, ?> source,
            Sink<byte[]> txSink, Sink<Rejection> rejectionSink, TerminalDirectoryFactory terminals) {
        orderedTransactions(env, s, source, rejectionSink, terminals)
                .sinkTo(txSink).name("consensus-sink").uid("consensus-sink");
    }

    /**
     * Everything before the consensus sink: the validated, deduplicated ledger transactions in per-terminal sequence
     * order, as ledger bytes, forwarded from the ordering operator (refusals go to {@code rejectionSink}). The
     * pipeline benchmark's baseline continues this stream without consensus.
     */
    public static DataStream<byte[]> orderedTransactions(StreamExecutionEnvironment env, IngestSettings s,
            Source<SourceRecord, ?, ?> source, Sink<Rejection> rejectionSink, TerminalDirectoryFactory terminals) {

        DataStream<SourceRecord> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-tx-source")
                .uid("kafka-tx-source");
        SingleOutputStreamOperator<LedgerTx> validated = records
                .process(new DecodeValidateFunction(s.terminalTopic(), s.maxRecordBytes(),
                        new PaymentValidation(PaymentLimits.parse(s.limits()), s.maxClockSkewMs()), terminals))
                .name("decode-validate").uid("decode-validate");
        // Both keyed steps key by terminal: a terminal's records reach them from one upstream subtask, in Kafka order.
        // (Keying the dedupe by tx id would shuffle one terminal's records across subtasks and let two transactions
        // signed with one sequence number race for it.)
        SingleOutputStreamOperator<LedgerTx> unique = validated
                .keyBy(tx -> tx.orderKey)
                .process(new DedupeByTxIdFunction(s.dedupeTtl()))
                .name("dedupe-by-tx-id").uid("dedupe-by-tx-id").setMaxParallelism(JobDefaults.MAX_PARALLELISM);
        SingleOutputStreamOperator<LedgerTx> ordered = DataStreamUtils.reinterpretAsKeyedStream(unique, tx -> tx.orderKey)
                .process(new TerminalSequenceOrderFunction(s.maxGapHoldMs(), s.maxHeldPerTerminal()))
                .name("order-by-terminal-sequence").uid("order-by-terminal-sequence")
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM);

        validated.getSideOutput(Rejections.TAG)
                .union(unique.getSideOutput(Rejections.TAG), ordered.getSideOutput(Rejections.TAG))
                .sinkTo(rejectionSink).name("rejections-sink").uid("rejections-sink");

        // Forward from the ordering operator: one writer per terminal key, so per-terminal order reaches the sink.
        return ordered.map(tx -> tx.bytes).returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .name("tx-bytes").uid("tx-bytes");
    }

    public static KafkaSource<SourceRecord> kafkaSource(IngestSettings s) {
        return KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(s.terminalTopic(), s.chainTopic())
                .setGroupId(s.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new SourceRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    public static Sink<byte[]> consensusSink(IngestSettings s) {
        return new ConsensusSink(new ConsensusSink.Settings(s.chainId(), s.validators(), s.endorserSeedHex(),
                s.maxBatchTxs(), s.maxBatchBytes(), s.maxWaitPerBatch()));
    }

    public static Sink<Rejection> rejectionSink(IngestSettings s) {
        return LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic());
    }

    public static TerminalDirectoryFactory terminalDirectory(IngestSettings s) {
        return new CassandraTerminalDirectory(s.cassandraContactPoint(), s.cassandraDatacenter(), s.ledgerKeyspace(),
                s.cassandraConsistency(), s.terminalCacheTtl(), s.maxCachedTerminals());
    }
}
