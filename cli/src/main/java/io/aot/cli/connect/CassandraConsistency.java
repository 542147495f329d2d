package io.aot.cli.connect;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import picocli.CommandLine.Option;

/**
 * {@code --cassandra-consistency}, mixed into every command that reads or writes the platform's tables: the level of
 * each of its statements. LOCAL_QUORUM by default: with replication factor 3 the jobs' LOCAL_QUORUM writes (2 of 3
 * replicas) are always seen by a LOCAL_QUORUM read (2 + 2 > 3), so a receipt, a statement or a revocation never misses
 * an acknowledged row because one replica lags. LOCAL_ONE trades that for availability when replicas are down.
 */
public final class CassandraConsistency {

    @Option(names = "--cassandra-consistency", defaultValue = "LOCAL_QUORUM", paramLabel = "LEVEL",
            description = "Consistency of every Cassandra statement: LOCAL_QUORUM (default), QUORUM, EACH_QUORUM, "
                    + "LOCAL_ONE, ONE, ALL.")
    DefaultConsistencyLevel level = DefaultConsistencyLevel.LOCAL_QUORUM;

    public DefaultConsistencyLevel level() {
        return level;
    }
}
