package io.aot.jobs.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.aot.consensus.node.HostPort;
import java.io.Serializable;
import java.util.Locale;

/**
 * Where and how a job writes its Cassandra tables, shipped to the task managers with the job: a {@code host:port}
 * contact point, the local data center the driver routes to, and a consistency level of the deployment's choice
 * (DataStax Java driver 4.x, the one driver every module uses).
 *
 * <p>The default level is {@link #DEFAULT_CONSISTENCY} (LOCAL_QUORUM): with replication factor 3 a write is
 * acknowledged by 2 replicas of the local data center, so it survives the loss of one, and a LOCAL_QUORUM read
 * (2 + 2 > 3) always sees it. The driver's own default, LOCAL_ONE, acknowledges a ledger row held by one replica only.
 */
public final class CassandraConnection implements Serializable {

    private static final long serialVersionUID = 2L;
    public static final ConsistencyLevel DEFAULT_CONSISTENCY = DefaultConsistencyLevel.LOCAL_QUORUM;
    /** Cassandra's data center name when the snitch names none (SimpleSnitch, a single-node or loopback cluster). */
    public static final String DEFAULT_DATACENTER = "datacenter1";

    private final String contactPoint;
    private final String localDatacenter;
    private final String consistency;

    public CassandraConnection(String contactPoint) {
        this(contactPoint, DEFAULT_CONSISTENCY.name());
    }

    public CassandraConnection(String contactPoint, String consistency) {
        this(contactPoint, DEFAULT_DATACENTER, consistency);
    }

    /**
     * @param contactPoint    {@code host:port} of one node
     * @param localDatacenter the data center whose replicas LOCAL_* levels count
     * @param consistency     a CQL consistency level name (LOCAL_QUORUM, QUORUM, EACH_QUORUM, LOCAL_ONE, ...)
     * @throws IllegalArgumentException for a contact point that is not {@code host:port}, a level name that is not
     *     one, or a level that cannot write (SERIAL, LOCAL_SERIAL)
     */
    public CassandraConnection(String contactPoint, String localDatacenter, String consistency) {
        HostPort.parse(contactPoint); // refused here, at job build time, rather than on a task manager
        ConsistencyLevel level;
        try {
            level = DefaultConsistencyLevel.valueOf(consistency.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Cassandra consistency level: " + consistency);
        }
        if (level.isSerial()) {
            throw new IllegalArgumentException(consistency + " is for lightweight transactions, not for writes");
        }
        if (localDatacenter == null || localDatacenter.isBlank()) {
            throw new IllegalArgumentException("a local data center name is required");
        }
        this.contactPoint = contactPoint;
        this.localDatacenter = localDatacenter;
        this.consistency = level.name();
    }

    public ConsistencyLevel consistency() {
        return DefaultConsistencyLevel.valueOf(consistency);
    }

    public String contactPoint() {
        return contactPoint;
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    /** A new session whose statements run at this connection's level; the caller closes it. */
    public CqlSession open() {
        return CqlSession.builder().addContactPoint(HostPort.parse(contactPoint)).withLocalDatacenter(localDatacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, consistency).build())
                .build();
    }

    /** Identity of the session a task manager may share between the sinks of one job (see {@link SharedSessions}). */
    String sessionKey() {
        return contactPoint + "/" + localDatacenter + "/" + consistency;
    }

    @Override
    public String toString() {
        return contactPoint + " (data center " + localDatacenter + ", " + consistency + ")";
    }
}
