package io.aot.jobs.ingest.functions;

import io.aot.avro.Rejection;
import io.aot.jobs.ingest.model.LedgerTx;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.schemas.serde.AvroRuntimeGuards;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * Builds {@link Rejection} records. The rejection id is the source coordinates plus the stage, so a refusal replayed
 * after a failover carries the same id and consumers (and Cassandra upserts) see it once.
 */
public final class Rejections {

    static {
        AvroRuntimeGuards.install(); // Flink's Avro serializer copies Rejection records in this task
    }

    /** The side output every stage writes its refusals to. */
    public static final OutputTag<Rejection> TAG = new OutputTag<>("rejected", new AvroTypeInfo<>(Rejection.class));

    /** Stages, as the {@code stage} field names them. */
    public static final String DECODE = "decode";
    public static final String VALIDATE = "validate";
    public static final String DEDUPE = "dedupe";
    public static final String ORDER = "order";

    private Rejections() {
    }

    public static Rejection of(SourceRecord r, String stage, String reasonCode, String detail, String txId,
            String terminalId) {
        return Rejection.newBuilder()
                .setRejectionId(r.coordinates() + "/" + stage)
                .setStage(stage)
                .setReasonCode(reasonCode)
                .setDetail(detail)
                .setTxId(txId)
                .setTerminalId(terminalId)
                .setSourceTopic(r.topic)
                .setSourcePartition(r.partition)
                .setSourceOffset(r.offset)
                .setOriginalBytes(ByteBuffer.wrap(r.value == null ? new byte[0] : r.value))
                .setRejectedAtMillis(Instant.now())
                .build();
    }

    public static Rejection of(LedgerTx tx, String stage, String reasonCode, String detail) {
        SourceRecord source = new SourceRecord(tx.sourceTopic, tx.sourcePartition, tx.sourceOffset, 0, null, tx.bytes);
        return of(source, stage, reasonCode, detail, tx.txId, tx.sequenced() ? tx.orderKey : null);
    }
}
