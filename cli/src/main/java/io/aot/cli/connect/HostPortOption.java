package io.aot.cli.connect;

import io.aot.cli.errors.UsageException;
import io.aot.consensus.node.HostPort;
import java.net.InetSocketAddress;

/** A command's {@code host:port} option value, such as {@code --cassandra} or {@code --validator}. */
public final class HostPortOption {

    private HostPortOption() {
    }

    /** The address of {@code value}, or a usage error that names {@code option}. */
    public static InetSocketAddress parse(String option, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
