package io.aot.cli.connect;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;

/**
 * The Cassandra session of an {@code aot} command, from its {@code --cassandra host:port}: the address is checked
 * first ({@link TcpProbe}), and a contact point that fails the driver's handshake is a {@link
 * ServerUnavailableException}, so the command fails in one line within seconds.
 */
public final class CassandraSessions {

    private CassandraSessions() {
    }

    public static CqlSession open(String hostPort, String datacenter) {
        return open(hostPort, datacenter, (DriverConfigLoader) null);
    }

    /** A session whose statements run at {@code consistency} unless they set their own. */
    public static CqlSession open(String hostPort, String datacenter, ConsistencyLevel consistency) {
        return open(hostPort, datacenter, config(consistency).build());
    }

    /** Driver settings with {@code consistency} as every statement's level, for a command to add its own to. */
    public static ProgrammaticDriverConfigLoaderBuilder config(ConsistencyLevel consistency) {
        return DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, consistency.name());
    }

    /** @param config the driver settings the command needs, or null for the driver's defaults */
    public static CqlSession open(String hostPort, String datacenter, DriverConfigLoader config) {
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoint(TcpProbe.requireOpen(Server.CASSANDRA, "--cassandra", hostPort))
                .withLocalDatacenter(datacenter);
        if (config != null) {
            builder.withConfigLoader(config);
        }
        try {
            return builder.build();
        } catch (AllNodesFailedException e) {
            throw new ServerUnavailableException(Server.CASSANDRA, "--cassandra", hostPort, e);
        }
    }
}
