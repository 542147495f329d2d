package io.aot.ingestion.gateway;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per terminal: {@code ratePerSecond} payments a second on average, bursts up to {@code burst}. A real
 * terminal takes a payment every few seconds at most, so a terminal far above that is broken or its key is stolen; it
 * gets 429 and does not crowd out the rest of the fleet. Applied after the signature check, so nobody can spend
 * another terminal's budget. At most {@code maxTerminals} buckets are kept (beyond, an arbitrary one is dropped and
 * that terminal starts again with a full bucket).
 */
public final class TerminalRateLimiter {

    private static final class Bucket {
        double tokens;
        long refilledAtNanos;
    }

    private final double ratePerSecond;
    private final double burst;
    private final int maxTerminals;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TerminalRateLimiter(double ratePerSecond, int burst, int maxTerminals, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1 || maxTerminals < 1) {
            throw new IllegalArgumentException("rate must be > 0, burst and maxTerminals >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxTerminals = maxTerminals;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for this terminal; false when its bucket is empty. */
    public boolean tryAcquire(String terminalId) {
        if (buckets.size() >= maxTerminals && !buckets.containsKey(terminalId)) {
            Iterator<String> any = buckets.keySet().iterator();
            if (any.hasNext()) {
                buckets.remove(any.next());
            }
        }
        long now = nanoClock.getAsLong();
        Bucket b = buckets.computeIfAbsent(terminalId, k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = burst;
            fresh.refilledAtNanos = now;
            return fresh;
        });
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.refilledAtNanos) * ratePerSecond / 1e9);
            b.refilledAtNanos = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }
}
