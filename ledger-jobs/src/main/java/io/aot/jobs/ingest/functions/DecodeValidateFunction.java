package io.aot.jobs.ingest.functions;

import io.aot.avro.ChainTransfer;
import io.aot.avro.TerminalPayment;
import io.aot.jobs.ingest.model.LedgerTx;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.jobs.ingest.registry.TerminalDirectoryFactory;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.TerminalDirectory;
import io.aot.ledger.validation.PaymentValidation;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decode, then validate (stateless, so it scales with parallelism): bytes that are not a released schema, and
 * transactions that fail {@link PaymentValidation} (including the one device-signature verification on the whole path),
 * go to the rejection side output with their reason code and original bytes. Nothing here throws on bad input.
 */
public final class DecodeValidateFunction extends ProcessFunction<SourceRecord, LedgerTx> {

    private static final long serialVersionUID = 1L;

    private final String terminalTopic;
    private final int maxRecordBytes;
    private final PaymentValidation validation;
    private final TerminalDirectoryFactory directoryFactory;

    private transient AvroCodec<TerminalPayment> payments;
    private transient AvroCodec<ChainTransfer> chainTransfers;
    private transient TerminalDirectory directory;
    private transient Counter accepted;
    private transient Counter rejected;

    /**
     * @param terminalTopic records from this topic are terminal payments; any other source topic carries chain
     *     transfers
     */
    public DecodeValidateFunction(String terminalTopic, int maxRecordBytes, PaymentValidation validation,
            TerminalDirectoryFactory directoryFactory) {
        this.terminalTopic = terminalTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.validation = validation;
        this.directoryFactory = directoryFactory;
    }

    @Override
    public void open(OpenContext openContext) {
        payments = AvroCodec.of(TerminalPayment.class, maxRecordBytes);
        chainTransfers = AvroCodec.of(ChainTransfer.class, maxRecordBytes);
        directory = directoryFactory.open();
        accepted = getRuntimeContext().getMetricGroup().counter("txValidated");
        rejected = getRuntimeContext().getMetricGroup().counter("txRejectedAtValidation");
    }

    @Override
    public void processElement(SourceRecord r, Context ctx, Collector<LedgerTx> out) {
        boolean terminal = terminalTopic.equals(r.topic);
        try {
            if (terminal) {
                TerminalPayment p = payments.decode(r.value);
                String code = validation.check(p, r.timestampMillis, directory.find(p.getTerminalId()));
                if (!DeviceCheck.OK.equals(code)) {
                    reject(ctx, Rejections.of(r, Rejections.VALIDATE, code, "terminal payment refused: " + code,
                            p.getTxId(), p.getTerminalId()));
                    return;
                }
                out.collect(new LedgerTx(p.getTxId(), p.getTerminalId(), p.getTerminalSequence(), r.value, r));
            } else {
                ChainTransfer c = chainTransfers.decode(r.value);
                String code = validation.check(c);
                if (!DeviceCheck.OK.equals(code)) {
                    reject(ctx, Rejections.of(r, Rejections.VALIDATE, code, "chain transfer refused: " + code,
                            c.getTransferId(), null));
                    return;
                }
                out.collect(new LedgerTx(c.getTransferId(), "chain:" + c.getSender(), LedgerTx.UNSEQUENCED, r.value, r));
            }
            accepted.inc();
        } catch (AvroDecodeException e) {
            reject(ctx, Rejections.of(r, Rejections.DECODE, e.reasonCode(), e.getMessage(), null, null));
        }
    }

    private void reject(Context ctx, io.aot.avro.Rejection rejection) {
        rejected.inc();
        ctx.output(Rejections.TAG, rejection);
    }

    @Override
    public void close() {
        if (directory != null) {
            directory.close();
        }
    }
}
