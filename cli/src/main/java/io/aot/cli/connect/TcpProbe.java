package io.aot.cli.connect;

import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Checks that a server's address accepts a TCP connection before a client library is pointed at it: the libraries
 * report an unreachable server late (Kafka after 60 s) or vaguely (the Cassandra driver says the channel closed where
 * the socket says "connection refused").
 */
public final class TcpProbe {

    /** An address that neither accepts nor refuses (a dropped SYN) counts as unreachable after this long. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TcpProbe() {
    }

    /** The parsed {@code hostPort} of {@code option}, once it accepted a connection; else a one-line failure. */
    public static InetSocketAddress requireOpen(Server server, String option, String hostPort) {
        InetSocketAddress address = HostPortOption.parse(option, hostPort);
        requireOpen(server, option, hostPort, address);
        return address;
    }

    /** As {@link #requireOpen(Server, String, String)}, for an address the caller derived (a URL's host and port). */
    public static void requireOpen(Server server, String option, String shown, InetSocketAddress address) {
        try (Socket s = new Socket()) {
            if (address.isUnresolved()) {
                throw new UnknownHostException(address.getHostString());
            }
            s.connect(address, Math.toIntExact(TIMEOUT.toMillis()));
        } catch (IOException e) {
            throw new ServerUnavailableException(server, option, shown, e);
        }
    }
}
