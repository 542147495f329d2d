package io.aot.analytics.alert;

import io.aot.analytics.model.MarketEvent;
import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by merchant and currency: TICKET_OUTLIER when a payment's log amount is more than {@code ticketOutlierSigmas}
 * standard deviations from the merchant's running mean, once the merchant has {@code ticketMinSamples} payments.
 * Ticket sizes are log-normal, so the log is where a mean and a deviation mean something. Running moments by
 * Welford's method (numerically stable, O(1) state).
 */
public final class TicketOutlierFunction extends KeyedProcessFunction<String, MarketEvent, MarketAlert> {

    private static final long serialVersionUID = 1L;

    private final AlertThresholds thresholds;
    /** {count, mean, sum of squared deviations} of ln(amount). */
    private transient ValueState<double[]> moments;

    public TicketOutlierFunction(AlertThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        moments = getRuntimeContext().getState(
                new ValueStateDescriptor<>("moments", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(MarketEvent e, Context ctx, Collector<MarketAlert> out) throws Exception {
        if (e.amountMinor.signum() <= 0) {
            return;
        }
        double x = Math.log(e.amountMinor.doubleValue());
        double[] m = moments.value();
        if (m == null) {
            m = new double[3];
        }
        if (m[0] >= thresholds.ticketMinSamples()) {
            double sd = Math.sqrt(m[2] / (m[0] - 1));
            double z = sd > 0 ? (x - m[1]) / sd : 0;
            if (Math.abs(z) > thresholds.ticketOutlierSigmas()) {
                out.collect(Alerts.of("TICKET_OUTLIER|" + e.merchantId + "|" + e.txId, "TICKET_OUTLIER", "merchant",
                        e.merchantId, Math.abs(z) > 2 * thresholds.ticketOutlierSigmas() ? AlertSeverity.CRITICAL
                                : AlertSeverity.WARNING, e.eventTimeMillis, e.eventTimeMillis,
                        String.format("%s %s: %.1f sigma from the usual %.0f", e.amountMinor, e.currency, z,
                                Math.exp(m[1])),
                        String.format("> %.1f sigma after %d payments", thresholds.ticketOutlierSigmas(),
                                thresholds.ticketMinSamples()),
                        List.of(e.txId)));
            }
        }
        m[0] += 1;
        double delta = x - m[1];
        m[1] += delta / m[0];
        m[2] += delta * (x - m[1]);
        moments.update(m);
    }
}
