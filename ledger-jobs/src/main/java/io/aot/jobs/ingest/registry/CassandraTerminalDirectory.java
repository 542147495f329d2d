package io.aot.jobs.ingest.registry;

import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ledger.terminal.TerminalDirectory;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The production directory: the Cassandra terminal registry behind a bounded cache with a time to live. */
public record CassandraTerminalDirectory(String contactPoint, String localDatacenter, String keyspace, Duration cacheTtl,
        int maxCachedTerminals) implements TerminalDirectoryFactory {

    @Override
    public TerminalDirectory open() {
        int colon = contactPoint.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(contactPoint.substring(0, colon),
                Integer.parseInt(contactPoint.substring(colon + 1)));
        return new CachingTerminalDirectory(TerminalRegistry.connect(address, localDatacenter, keyspace), cacheTtl,
                maxCachedTerminals, System::nanoTime);
    }
}
