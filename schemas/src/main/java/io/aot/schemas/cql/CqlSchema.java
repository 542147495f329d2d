package io.aot.schemas.cql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The CQL DDL of a keyspace, as statements ready to execute. Every statement is {@code IF NOT EXISTS}, so applying a
 * script twice changes nothing. Takes no driver: the caller executes each statement with its own session (the jobs use
 * the 3.x driver bundled in the Flink connector, tools the 4.x driver).
 */
public final class CqlSchema {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private CqlSchema() {
    }

    /** The statements creating {@code keyspace} under the name {@code keyspaceName}, keyspace first. */
    public static List<String> statements(Keyspace keyspace, String keyspaceName, Replication replication) {
        if (!IDENTIFIER.matcher(keyspaceName).matches()) {
            throw new IllegalArgumentException(
                    "keyspace name must be lower-case letters, digits and _ (max 48), starting with a letter: "
                            + keyspaceName);
        }
        String script = read(keyspace.scriptResource())
                .replace("${keyspace}", keyspaceName)
                .replace("${replication}", replication.cql());
        return split(script);
    }

    /** Applies the keyspace's statements in order with {@code execute}. */
    public static int apply(Keyspace keyspace, String keyspaceName, Replication replication, Consumer<String> execute) {
        List<String> statements = statements(keyspace, keyspaceName, replication);
        statements.forEach(execute);
        return statements.size();
    }

    static List<String> split(String script) {
        StringBuilder current = new StringBuilder();
        List<String> statements = new ArrayList<>();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(trimmed).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("CQL script ends inside a statement: " + current);
        }
        return statements;
    }

    private static String read(String resource) {
        try (InputStream in = CqlSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing CQL script on the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
