package io.aot.ingestion.simulator;

import io.aot.ingestion.gateway.PaymentJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code aot simulate --via gateway}: posts each simulated record to the gateway as a terminal would (the payment's
 * JSON; malformed records as their raw bytes), at most {@code maxConcurrent} requests at a time, and counts the
 * answers by status and code.
 */
public final class GatewaySender {

    private static final Pattern ERROR_CODE = Pattern.compile("\"error\"\\s*:\\s*\"([A-Z_]+)\"");

    private final HttpClient http;
    private final URI paymentsUri;
    private final Semaphore permits;
    private final int maxConcurrent;
    private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PaymentSimulator.Kind, ConcurrentHashMap<String, LongAdder>> byKind =
            new ConcurrentHashMap<>();

    /** @param trustCertPem a PEM certificate to trust for an HTTPS gateway with a self-signed certificate, or null */
    public GatewaySender(URI gateway, int maxConcurrent, Path trustCertPem) throws IOException, GeneralSecurityException {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (trustCertPem != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (var in = Files.newInputStream(trustCertPem)) {
                ks.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.paymentsUri = gateway.resolve("/v1/payments");
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent);
    }

    /** Posts one record; blocks only while {@code maxConcurrent} requests are outstanding. */
    public void send(PaymentSimulator.SimulatedTx tx) throws InterruptedException {
        byte[] body = tx.payment() != null && tx.kind() != PaymentSimulator.Kind.MALFORMED
                ? PaymentJson.toJson(tx.payment()).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : tx.value();
        permits.acquire();
        http.sendAsync(HttpRequest.newBuilder(paymentsUri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    try {
                        record(tx.kind(), e != null ? "error " + e.getClass().getSimpleName() : outcome(r));
                    } finally {
                        permits.release(); // after counting: awaitAnswers() returning means every answer is counted
                    }
                });
    }

    private static String outcome(HttpResponse<String> r) {
        if (r.statusCode() == 202) {
            return "202 ACCEPTED";
        }
        Matcher m = ERROR_CODE.matcher(r.body());
        return r.statusCode() + " " + (m.find() ? m.group(1) : "?");
    }

    private void record(PaymentSimulator.Kind kind, String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        byKind.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, k -> new LongAdder())
                .increment();
    }

    /** Waits until every request sent has its answer. */
    public boolean awaitAnswers(Duration timeout) throws InterruptedException {
        if (!permits.tryAcquire(maxConcurrent, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        permits.release(maxConcurrent);
        return true;
    }

    public long answered() {
        return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long accepted() {
        LongAdder a = outcomes.get("202 ACCEPTED");
        return a == null ? 0 : a.sum();
    }

    /** Answers by "status CODE". */
    public Map<String, Long> outcomes() {
        Map<String, Long> m = new TreeMap<>();
        outcomes.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Answers by what the simulator meant the record to be, then by "status CODE". */
    public Map<PaymentSimulator.Kind, Map<String, Long>> outcomesByKind() {
        Map<PaymentSimulator.Kind, Map<String, Long>> m = new TreeMap<>();
        byKind.forEach((kind, counts) -> {
            Map<String, Long> c = new TreeMap<>();
            counts.forEach((k, v) -> c.put(k, v.sum()));
            m.put(kind, c);
        });
        return m;
    }
}
