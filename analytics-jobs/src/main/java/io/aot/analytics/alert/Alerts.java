package io.aot.analytics.alert;

import io.aot.analytics.model.MarketTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.flink.types.Row;

/**
 * An {@code aot_analytics.alerts} row. The alert id is built from the rule, the subject and what made the case (a
 * time bucket or transactions), and the raise time is the triggering payment's event time: a replay raises the same
 * row again, an upsert.
 */
final class Alerts {

    private Alerts() {
    }

    static Row row(long raisedAtMillis, String alertId, String rule, String subjectType, String subjectId,
            String severity, String observed, String threshold, List<String> txIds) {
        // A mutable list: serializers copy rows by adding to a list of the same class.
        List<String> named = new ArrayList<>(txIds.size() > AlertThresholds.MAX_TX_IDS
                ? txIds.subList(txIds.size() - AlertThresholds.MAX_TX_IDS, txIds.size()) : txIds);
        return Row.of(MarketTime.day(raisedAtMillis), new Date(raisedAtMillis), alertId, rule, subjectType, subjectId,
                severity, observed, threshold, named);
    }
}
