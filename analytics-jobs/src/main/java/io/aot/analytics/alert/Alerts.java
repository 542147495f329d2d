package io.aot.analytics.alert;

import io.aot.analytics.model.MarketTime;
import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import io.aot.schemas.serde.AvroRuntimeGuards;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Row;

/**
 * Alerts as {@link MarketAlert} records (topic {@code aot.analytics.alerts.v1}) and as {@code aot_analytics.alerts}
 * rows. The alert id is built from the rule, the subject and what made the case (a time bucket or transactions), and
 * the window comes from the triggering payments' event times: a replay raises the same alert again, an upsert.
 */
public final class Alerts {

    static {
        AvroRuntimeGuards.install(); // Flink's Avro serializer copies MarketAlert records between operators
    }

    public static final AvroTypeInfo<MarketAlert> TYPE = new AvroTypeInfo<>(MarketAlert.class);

    private Alerts() {
    }

    static MarketAlert of(String alertId, String rule, String subjectType, String subjectId, AlertSeverity severity,
            long windowStartMillis, long windowEndMillis, String observed, String threshold, List<String> txIds) {
        List<String> named = new ArrayList<>(txIds.size() > AlertThresholds.MAX_TX_IDS
                ? txIds.subList(txIds.size() - AlertThresholds.MAX_TX_IDS, txIds.size()) : txIds);
        return MarketAlert.newBuilder().setAlertId(alertId).setRule(rule).setSubjectType(subjectType)
                .setSubjectId(subjectId).setSeverity(severity)
                .setWindowStartMillis(Instant.ofEpochMilli(windowStartMillis))
                .setWindowEndMillis(Instant.ofEpochMilli(windowEndMillis)).setObserved(observed)
                .setThreshold(threshold).setTxIds(named).build();
    }

    /** The table row: raised at the end of the alert's window, in that Seoul day and hour (the partition). */
    public static Row row(MarketAlert a) {
        long raisedAt = a.getWindowEndMillis().toEpochMilli();
        // A mutable list: serializers copy rows by adding to a list of the same class.
        return Row.of(MarketTime.day(raisedAt), MarketTime.hourOfDay(raisedAt), new Date(raisedAt), a.getAlertId(), a.getRule(), a.getSubjectType(),
                a.getSubjectId(), a.getSeverity().name(), a.getObserved(), a.getThreshold(),
                new ArrayList<>(a.getTxIds()));
    }
}
