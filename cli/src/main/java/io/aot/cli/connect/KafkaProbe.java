package io.aot.cli.connect;

import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Checks a command's {@code --bootstrap} before it starts a Kafka client: a producer or admin client waits up to 60 s
 * ({@code max.block.ms}, {@code default.api.timeout.ms}) for a bootstrap server that is not there, in silence.
 */
public final class KafkaProbe {

    /** Bound on the cluster's answer once a bootstrap address accepted the connection. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private KafkaProbe() {
    }

    /** Returns once a bootstrap server accepts a connection and the cluster describes itself, else throws. */
    public static void requireReachable(String bootstrap) {
        requireAnyOpen(bootstrap);
        int ms = Math.toIntExact(TIMEOUT.toMillis());
        Admin admin = null;
        try {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms));
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get(ms + 1_000L,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ServerUnavailableException(Server.KAFKA, "--bootstrap", bootstrap, e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw new ServerUnavailableException(Server.KAFKA, "--bootstrap", bootstrap, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnavailableException(Server.KAFKA, "--bootstrap", bootstrap, e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
    }

    /** A bootstrap list is reachable when one of its servers is: the clients need only one to find the rest. */
    private static void requireAnyOpen(String bootstrap) {
        ServerUnavailableException first = null;
        for (String hostPort : bootstrap.split(",")) {
            InetSocketAddress address = HostPortOption.parse("--bootstrap", hostPort.strip());
            try {
                TcpProbe.requireOpen(Server.KAFKA, "--bootstrap", bootstrap, address);
                return;
            } catch (ServerUnavailableException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }
}
