package io.aot.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where the servers' jar folders are. The build resolves each server's own runtime classpath into
 * {@code servers/<name>-server/target/lib}; {@code -Daot.servers.dir=DIR} (or {@code AOT_SERVERS_DIR}) points at
 * another folder holding {@code kafka/}, {@code cassandra/} and {@code flink/} subfolders, as a packaged install would.
 */
public final class ServerDists {

    public enum Server {
        KAFKA("kafka"),
        CASSANDRA("cassandra"),
        FLINK("flink");

        private final String key;

        Server(String key) {
            this.key = key;
        }
    }

    private ServerDists() {
    }

    public static List<Path> classpath(Server server) {
        Path dir = libDir(server);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("no jars in " + dir + ": build first (mvn -B -DskipTests package)");
            }
            return jars;
        } catch (IOException e) {
            throw new IllegalStateException("the " + server.key + " server jars are missing at " + dir
                    + ": build first (mvn -B -DskipTests package), or set -Daot.servers.dir", e);
        }
    }

    static Path libDir(Server server) {
        String override = System.getProperty("aot.servers.dir", System.getenv("AOT_SERVERS_DIR"));
        if (override != null && !override.isBlank()) {
            return Path.of(override).resolve(server.key);
        }
        Properties built = new Properties();
        try (InputStream in = ServerDists.class.getResourceAsStream("server-dists.properties")) {
            if (in == null) {
                throw new IllegalStateException("server-dists.properties is missing from the local-stack jar");
            }
            built.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(built.getProperty(server.key + ".lib")).normalize();
    }
}
