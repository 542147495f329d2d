package io.aot.ingestion.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format: answers by status and code, and the time from
 * receiving a payment to answering it (which is mostly waiting for Kafka's acknowledgement), as a histogram, and the
 * terminal registry queries the cache could not spare.
 */
public final class GatewayMetrics {

    private static final double[] LATENCY_BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

    private final ConcurrentHashMap<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS_MS.length + 1];
    private final LongAdder latencySumMicros = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final IntSupplier inFlight;
    private final LongSupplier registryLookups;

    public GatewayMetrics(IntSupplier inFlight, LongSupplier registryLookups) {
        this.inFlight = inFlight;
        this.registryLookups = registryLookups;
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    /** One answer: its HTTP status and code ({@code ACCEPTED} for a 202), and how long it took. */
    public void answered(int status, String code, long elapsedNanos) {
        answers.computeIfAbsent(status + " " + code, k -> new LongAdder()).increment();
        double ms = elapsedNanos / 1e6;
        int i = 0;
        while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]) {
            i++;
        }
        latencyBuckets[i].increment();
        latencySumMicros.add(elapsedNanos / 1000);
        latencyCount.increment();
    }

    /** Answers so far with this status and code. */
    public long count(int status, String code) {
        LongAdder a = answers.get(status + " " + code);
        return a == null ? 0 : a.sum();
    }

    public String prometheusText() {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("# HELP aot_gateway_answers_total Answers to POST /v1/payments by HTTP status and code.\n");
        sb.append("# TYPE aot_gateway_answers_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        answers.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.forEach((k, v) -> {
            String[] statusCode = k.split(" ", 2);
            sb.append("aot_gateway_answers_total{status=\"").append(statusCode[0]).append("\",code=\"")
                    .append(statusCode[1]).append("\"} ").append(v).append('\n');
        });
        sb.append("# HELP aot_gateway_kafka_in_flight Payments sent to Kafka and not yet acknowledged.\n");
        sb.append("# TYPE aot_gateway_kafka_in_flight gauge\n");
        sb.append("aot_gateway_kafka_in_flight ").append(inFlight.getAsInt()).append('\n');
        sb.append("# HELP aot_gateway_registry_lookups_total Terminal registry queries (cache misses and expiries).\n");
        sb.append("# TYPE aot_gateway_registry_lookups_total counter\n");
        sb.append("aot_gateway_registry_lookups_total ").append(registryLookups.getAsLong()).append('\n');
        sb.append("# HELP aot_gateway_answer_seconds Time from a payment's arrival to its answer.\n");
        sb.append("# TYPE aot_gateway_answer_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < latencyBuckets.length; i++) {
            cumulative += latencyBuckets[i].sum();
            String le = i < LATENCY_BUCKETS_MS.length ? Double.toString(LATENCY_BUCKETS_MS[i] / 1000) : "+Inf";
            sb.append("aot_gateway_answer_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        sb.append("aot_gateway_answer_seconds_sum ").append(latencySumMicros.sum() / 1e6).append('\n');
        sb.append("aot_gateway_answer_seconds_count ").append(latencyCount.sum()).append('\n');
        return sb.toString();
    }
}
