package io.aot.ledger.terminal;

import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalDirectory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A bounded LRU cache in front of the registry: one lookup per terminal per {@code ttl}, so the hot path does not
 * query Cassandra per payment. Misses are cached too (an unknown terminal flooding us costs one query per ttl). A
 * revocation takes effect within {@code ttl}: that is the price of the cache, and why the default is short.
 * Thread-safe (the gateway's event loops share one); the registry is queried outside the lock.
 */
public final class CachingTerminalDirectory implements TerminalDirectory {

    private record Entry(Optional<Terminal> terminal, long loadedAtNanos) {
    }

    private final TerminalDirectory registry;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry> cache;
    private long lookups;

    public CachingTerminalDirectory(TerminalDirectory registry, Duration ttl, int maxEntries, LongSupplier nanoClock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1");
        }
        this.registry = registry;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public Optional<Terminal> find(String terminalId) {
        long now = nanoClock.getAsLong();
        synchronized (this) {
            Entry e = cache.get(terminalId);
            if (e != null && now - e.loadedAtNanos() < ttlNanos) {
                return e.terminal();
            }
            lookups++;
        }
        Optional<Terminal> loaded = registry.find(terminalId);
        synchronized (this) {
            cache.put(terminalId, new Entry(loaded, now));
        }
        return loaded;
    }

    /** True when {@link #find} would answer from the cache, without a registry query. */
    public synchronized boolean isCached(String terminalId) {
        Entry e = cache.get(terminalId);
        return e != null && nanoClock.getAsLong() - e.loadedAtNanos() < ttlNanos;
    }

    /** Registry lookups made so far (cache misses and expiries). */
    public synchronized long registryLookups() {
        return lookups;
    }

    @Override
    public void close() {
        registry.close();
    }
}
