package io.aot.consensus.node;

import java.net.InetSocketAddress;

/** Parses the {@code host:port} addresses our settings and command lines carry (validators, Cassandra, Kafka). */
public final class HostPort {

    private HostPort() {
    }

    /** An unresolved-then-resolved socket address; a malformed one fails with the text it was given. */
    public static InetSocketAddress parse(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got " + hostPort);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got " + hostPort, e);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range in " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), port);
    }
}
