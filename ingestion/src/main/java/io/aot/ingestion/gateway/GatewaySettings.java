package io.aot.ingestion.gateway;

import java.nio.file.Path;

/**
 * How the gateway runs. Every bound has a unit in its name; {@link #defaults()} are what {@code ./aot gateway} uses.
 *
 * @param tlsCertPem  PEM certificate chain; with {@code tlsKeyPem} the gateway speaks HTTPS only (null: plain HTTP)
 * @param tlsKeyPem   PEM private key (PKCS#8) of the certificate
 */
public record GatewaySettings(String host, int port, int eventLoops, int maxBodyBytes, double ratePerTerminalPerSec,
        int burstPerTerminal, int maxInFlight, long kafkaDeliveryTimeoutMs, long maxClockSkewMs, String limits,
        long terminalCacheTtlMs, int maxCachedTerminals, int sequenceWindow, Path tlsCertPem, Path tlsKeyPem) {

    public static final int MAX_TRACKED_TERMINALS = 1_000_000;

    public GatewaySettings {
        if (maxBodyBytes < 512 || eventLoops < 1 || maxInFlight < 1 || sequenceWindow < 1 || maxCachedTerminals < 1) {
            throw new IllegalArgumentException("gateway bounds must be positive (maxBodyBytes >= 512)");
        }
        if ((tlsCertPem == null) != (tlsKeyPem == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
    }

    public static GatewaySettings defaults() {
        return new GatewaySettings("127.0.0.1", 8443, Math.max(1, Runtime.getRuntime().availableProcessors()),
                16 * 1024, 20, 40, 20_000, 10_000, 300_000,
                "KRW=100000000,AOT=1000000000000000000000000,POINT=10000000,KLAY=0", 30_000, 1_000_000, 1024, null, null);
    }

    public boolean tls() {
        return tlsCertPem != null;
    }

    public GatewaySettings withPort(int p) {
        return new GatewaySettings(host, p, eventLoops, maxBodyBytes, ratePerTerminalPerSec, burstPerTerminal,
                maxInFlight, kafkaDeliveryTimeoutMs, maxClockSkewMs, limits, terminalCacheTtlMs, maxCachedTerminals,
                sequenceWindow, tlsCertPem, tlsKeyPem);
    }

    public GatewaySettings withRate(double perSec, int burst) {
        return new GatewaySettings(host, port, eventLoops, maxBodyBytes, perSec, burst, maxInFlight,
                kafkaDeliveryTimeoutMs, maxClockSkewMs, limits, terminalCacheTtlMs, maxCachedTerminals, sequenceWindow,
                tlsCertPem, tlsKeyPem);
    }

    public GatewaySettings withKafka(int inFlight, long deliveryTimeoutMs) {
        return new GatewaySettings(host, port, eventLoops, maxBodyBytes, ratePerTerminalPerSec, burstPerTerminal,
                inFlight, deliveryTimeoutMs, maxClockSkewMs, limits, terminalCacheTtlMs, maxCachedTerminals,
                sequenceWindow, tlsCertPem, tlsKeyPem);
    }

    public GatewaySettings withTerminalCacheTtlMs(long ttlMs) {
        return new GatewaySettings(host, port, eventLoops, maxBodyBytes, ratePerTerminalPerSec, burstPerTerminal,
                maxInFlight, kafkaDeliveryTimeoutMs, maxClockSkewMs, limits, ttlMs, maxCachedTerminals, sequenceWindow,
                tlsCertPem, tlsKeyPem);
    }

    public GatewaySettings withTls(Path certPem, Path keyPem) {
        return new GatewaySettings(host, port, eventLoops, maxBodyBytes, ratePerTerminalPerSec, burstPerTerminal,
                maxInFlight, kafkaDeliveryTimeoutMs, maxClockSkewMs, limits, terminalCacheTtlMs, maxCachedTerminals,
                sequenceWindow, certPem, keyPem);
    }

    public GatewaySettings withEventLoops(int n) {
        return new GatewaySettings(host, port, n, maxBodyBytes, ratePerTerminalPerSec, burstPerTerminal, maxInFlight,
                kafkaDeliveryTimeoutMs, maxClockSkewMs, limits, terminalCacheTtlMs, maxCachedTerminals, sequenceWindow,
                tlsCertPem, tlsKeyPem);
    }
}
