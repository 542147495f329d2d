package io.aot.jobs.cassandra;

import io.aot.consensus.node.HostPort;
import com.datastax.driver.core.Cluster;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/** The connector's cluster (DataStax 3.x driver) from a {@code host:port} contact point. */
public final class CassandraClusterBuilder extends ClusterBuilder {

    private static final long serialVersionUID = 1L;

    private final String contactPoint;

    public CassandraClusterBuilder(String contactPoint) {
        this.contactPoint = contactPoint;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        return builder.addContactPointsWithPorts(HostPort.parse(contactPoint)).withoutJMXReporting().build();
    }
}
