package io.aot.jobs.store;

import com.datastax.driver.core.Cluster;
import java.net.InetSocketAddress;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/** The connector's cluster (DataStax 3.x driver) from a {@code host:port} contact point. */
public final class LedgerClusterBuilder extends ClusterBuilder {

    private static final long serialVersionUID = 1L;

    private final String contactPoint;

    public LedgerClusterBuilder(String contactPoint) {
        this.contactPoint = contactPoint;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        int colon = contactPoint.lastIndexOf(':');
        return builder.addContactPointsWithPorts(new InetSocketAddress(contactPoint.substring(0, colon),
                Integer.parseInt(contactPoint.substring(colon + 1)))).withoutJMXReporting().build();
    }
}
