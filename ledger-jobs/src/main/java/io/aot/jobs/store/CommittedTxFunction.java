package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.jobs.ingest.functions.Rejections;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Every committed transaction becomes a {@link CommittedTransaction}; one the ledger refused (funds, refund bounds,
 * unknown wallet, ...) also goes to the rejection topic with its reason, stage {@code ledger}, so every refusal of the
 * platform is in one place. A {@code DUPLICATE_TX} outcome is a transaction submitted again (the ingest job's replay
 * after a restore) that was committed before: it is neither a new transaction nor a refusal of one, so it is only
 * counted.
 */
public final class CommittedTxFunction extends ProcessFunction<CommittedTx, CommittedTransaction> {

    private static final long serialVersionUID = 1L;

    private final String chainId;
    private transient CommittedRecords records;
    private transient Counter resubmissions;

    public CommittedTxFunction(String chainId) {
        this.chainId = chainId;
    }

    @Override
    public void open(OpenContext openContext) {
        records = new CommittedRecords(chainId);
        resubmissions = getRuntimeContext().getMetricGroup().counter("duplicateResubmissions");
    }

    /** Block records (header and certificate of every block, empty ones too), for the blocks tables. */
    public static final OutputTag<CommittedTx> BLOCKS = new OutputTag<>("blocks", TypeInformation.of(CommittedTx.class));

    @Override
    public void processElement(CommittedTx c, Context ctx, Collector<CommittedTransaction> out) {
        if (c.blockRecord()) {
            ctx.output(BLOCKS, c);
            return;
        }
        if ("DUPLICATE_TX".equals(c.resultCode)) {
            resubmissions.inc();
            return;
        }
        CommittedTransaction record = records.toRecord(c);
        if (record == null) {
            return;
        }
        out.collect(record);
        if (!"OK".equals(c.resultCode)) {
            ctx.output(Rejections.TAG, Rejection.newBuilder()
                    .setRejectionId("ledger/" + chainId + "/" + c.height + "/" + c.index)
                    .setStage("ledger").setReasonCode(c.resultCode)
                    .setDetail("refused by the ledger at height " + c.height + ", recorded in block " + c.blockHashHex)
                    .setTxId(record.getTxId()).setTerminalId(record.getTerminalId())
                    .setOriginalBytes(ByteBuffer.wrap(c.tx)).setRejectedAtMillis(Instant.ofEpochMilli(c.blockTimeMillis))
                    .build());
        }
    }
}
