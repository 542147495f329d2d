package io.aot.jobs.ingest.registry;

import io.aot.consensus.node.HostPort;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ledger.terminal.CachingTerminalDirectory;
import io.aot.ledger.terminal.TerminalDirectory;
import java.time.Duration;

/** The production directory: the Cassandra terminal registry behind a bounded cache with a time to live. */
public record CassandraTerminalDirectory(String contactPoint, String localDatacenter, String keyspace,
        String consistency, Duration cacheTtl, int maxCachedTerminals) implements TerminalDirectoryFactory {

    @Override
    public TerminalDirectory open() {
        return new CachingTerminalDirectory(
                TerminalRegistry.connect(HostPort.parse(contactPoint), localDatacenter, keyspace,
                        com.datastax.oss.driver.api.core.DefaultConsistencyLevel.valueOf(consistency)), cacheTtl,
                maxCachedTerminals, System::nanoTime);
    }
}
