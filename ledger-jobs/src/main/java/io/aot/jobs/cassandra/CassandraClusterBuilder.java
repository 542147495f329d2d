package io.aot.jobs.cassandra;

import io.aot.consensus.node.HostPort;
import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.QueryOptions;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/**
 * The connector's cluster (DataStax 3.x driver) from a {@code host:port} contact point, writing at a consistency level
 * of the deployment's choice. The default is {@link #DEFAULT_CONSISTENCY} (LOCAL_QUORUM): with replication factor 3 a
 * write is acknowledged by 2 replicas of the local data center, so it survives the loss of one, and a LOCAL_QUORUM read
 * (2 + 2 > 3) always sees it. The driver's own default, LOCAL_ONE, acknowledged a ledger row held by one replica only.
 */
public final class CassandraClusterBuilder extends ClusterBuilder {

    private static final long serialVersionUID = 1L;
    public static final ConsistencyLevel DEFAULT_CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM;

    private final String contactPoint;
    private final ConsistencyLevel consistency;

    public CassandraClusterBuilder(String contactPoint) {
        this(contactPoint, DEFAULT_CONSISTENCY.name());
    }

    /**
     * @param consistency a CQL consistency level name (LOCAL_QUORUM, QUORUM, EACH_QUORUM, LOCAL_ONE, ...)
     * @throws IllegalArgumentException for a name that is not one, or one that cannot write (SERIAL, LOCAL_SERIAL)
     */
    public CassandraClusterBuilder(String contactPoint, String consistency) {
        this.contactPoint = contactPoint;
        this.consistency = ConsistencyLevel.valueOf(consistency.trim().toUpperCase(java.util.Locale.ROOT));
        if (this.consistency.isSerial()) {
            throw new IllegalArgumentException(consistency + " is for lightweight transactions, not for writes");
        }
    }

    public ConsistencyLevel consistency() {
        return consistency;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        return builder.addContactPointsWithPorts(HostPort.parse(contactPoint)).withoutJMXReporting()
                .withQueryOptions(new QueryOptions().setConsistencyLevel(consistency)).build();
    }
}
