package io.aot.cli.errors;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import java.io.EOFException;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns what a command threw into the text of its one-line error: what failed, where, and what to do. It knows the
 * kinds a user meets: a server that does not answer (Cassandra, Kafka, a validator, the Klaytn node, the gateway), a
 * file that is missing or unusable, a bad argument. Anything else is named by its class and message.
 */
public final class ExceptionTranslator {

    private ExceptionTranslator() {
    }

    /** The message for {@code e}, thrown by {@code command}: one line, without the command's name. */
    public static String explain(Throwable e, CommandSpec command) {
        ServerUnavailableException unavailable = find(e, ServerUnavailableException.class);
        if (unavailable != null) {
            return unreachable(unavailable.server(), unavailable.option(), unavailable.address(),
                    unavailable.getCause());
        }
        UsageException usage = find(e, UsageException.class);
        if (usage != null) {
            return oneLine(usage.getMessage());
        }
        // Driver and client exceptions that no command wrapped: the server is the one the command's option names.
        DriverException cassandra = find(e, DriverException.class);
        if (cassandra != null) {
            return cassandra(cassandra, command);
        }
        KafkaException kafka = find(e, KafkaException.class);
        if (kafka != null) {
            String bootstrap = optionValue(command, "--bootstrap");
            return kafka instanceof org.apache.kafka.common.errors.TimeoutException
                    ? unreachable(Server.KAFKA, "--bootstrap", bootstrap, kafka)
                    : "Kafka" + at(bootstrap) + " failed: " + reason(kafka);
        }
        FileSystemException file = find(e, FileSystemException.class);
        if (file != null && file.getFile() != null) {
            return fileProblem(file.getFile(), fileReason(file), command);
        }
        FileNotFoundException notFound = find(e, FileNotFoundException.class);
        if (notFound != null && notFound.getMessage() != null) {
            // java.io says "PATH (REASON)".
            String m = notFound.getMessage();
            int open = m.lastIndexOf(" (");
            return open > 0 && m.endsWith(")")
                    ? fileProblem(m.substring(0, open), lowerFirst(m.substring(open + 2, m.length() - 1)), command)
                    : fileProblem(m, "not found", command);
        }
        Throwable t = unwrap(e);
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()));
    }

    private static String cassandra(DriverException e, CommandSpec command) {
        String address = optionValue(command, "--cassandra");
        // Fewer replicas alive than the consistency level needs (the driver wraps it once it tried every node): the
        // server answered, so say which option trades safety for availability rather than "cannot reach".
        var unavailable = unavailable(e);
        if (unavailable != null) {
            return "Cassandra" + at(address) + " refused the request: " + oneLine(unavailable.getMessage())
                    + "; bring the replicas back, or pass a lower --cassandra-consistency (e.g. LOCAL_ONE)";
        }
        if (e instanceof AllNodesFailedException || e instanceof DriverTimeoutException) {
            return unreachable(Server.CASSANDRA, "--cassandra", address, e);
        }
        String m = oneLine(e.getMessage());
        // A running Cassandra without the platform's keyspaces: the usual first-day mistake.
        boolean noSchema = m.contains("does not exist") || m.contains("unconfigured table");
        return "Cassandra" + at(address) + " refused the request: " + m + (noSchema
                ? "; create the keyspaces and tables with ./aot provision, or pass --keyspace" : "");
    }

    private static com.datastax.oss.driver.api.core.servererrors.UnavailableException unavailable(DriverException e) {
        if (e instanceof com.datastax.oss.driver.api.core.servererrors.UnavailableException u) {
            return u;
        }
        if (e instanceof AllNodesFailedException all) {
            for (List<Throwable> errors : all.getAllErrors().values()) {
                for (Throwable t : errors) {
                    if (t instanceof com.datastax.oss.driver.api.core.servererrors.UnavailableException u) {
                        return u;
                    }
                }
            }
        }
        return null;
    }

    private static String unreachable(Server server, String option, String address, Throwable cause) {
        return "cannot reach " + server.displayName() + at(address) + " (" + reason(cause) + ")"
                + (address == null ? "" : "; " + server.advice(option));
    }

    private static String at(String address) {
        return address == null ? "" : " at " + address;
    }

    /** Why a connection or request failed, in a few words: the deepest cause that says it. */
    public static String reason(Throwable e) {
        if (e == null) {
            return "no reason given";
        }
        if (e instanceof AllNodesFailedException all && !all.getAllErrors().isEmpty()) {
            List<Throwable> first = all.getAllErrors().values().iterator().next();
            if (!first.isEmpty()) {
                return reason(first.get(0));
            }
        }
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        Collections.reverse(chain);
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return t.getMessage() == null || t.getMessage().contains("refused") ? "connection refused"
                        : lowerFirst(t.getMessage());
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException || t instanceof DriverTimeoutException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "no answer in time";
            }
            if (t instanceof EOFException || t instanceof ClosedChannelException
                    || t instanceof ClosedConnectionException) {
                return "the server closed the connection";
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + oneLine(t.getMessage());
            }
            if (t instanceof SocketException && t.getMessage() != null) {
                return lowerFirst(t.getMessage());
            }
        }
        Throwable root = chain.get(0);
        return root.getMessage() == null ? root.getClass().getSimpleName() : oneLine(root.getMessage());
    }

    private static String fileReason(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        return e.getReason() == null ? e.getClass().getSimpleName() : lowerFirst(e.getReason());
    }

    private static String fileProblem(String file, String reason, CommandSpec command) {
        String option = optionNaming(command, file);
        return file + ": " + reason + "; " + (option == null ? "check the path" : "check " + option);
    }

    /**
     * The command's path option closest to {@code file}: the one naming it, a folder holding it (as --home holds
     * node.properties), or a file inside it (a --dump file whose folder cannot be made).
     */
    private static String optionNaming(CommandSpec command, String file) {
        Path target = Path.of(file).toAbsolutePath().normalize();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec o : command.options()) {
            Object v = o.getValue();
            Path p = v instanceof Path path ? path : v instanceof File f ? f.toPath() : null;
            if (p == null || p.toString().isEmpty()) {
                continue;
            }
            Path candidate = p.toAbsolutePath().normalize();
            int distance = Math.abs(candidate.getNameCount() - target.getNameCount());
            if ((target.startsWith(candidate) || candidate.startsWith(target)) && distance < bestDistance) {
                best = o.longestName();
                bestDistance = distance;
            }
        }
        return best;
    }

    private static String optionValue(CommandSpec command, String option) {
        OptionSpec o = command.findOption(option);
        Object v = o == null ? null : o.getValue();
        return v == null ? null : v.toString();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            seen.add(t);
        }
        return null;
    }

    /** The exception inside the wrappers that only say "something below failed". */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException || t instanceof UncheckedIOException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code s} with its line breaks (and the blanks around them) made single spaces. */
    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
