package io.aot.cli.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.aot.cli.Main;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The messages of the kinds {@code CommandErrorsTest} cannot provoke without a server: a Cassandra that answers but
 * lacks the keyspace or times out, raw client exceptions no command wrapped, wrapped and unknown exceptions.
 */
class ExceptionTranslatorTest {

    /** The spec of {@code aot ARGS...}'s last subcommand, its options set from ARGS. */
    private static CommandSpec command(String... args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return parsed.commandSpec();
    }

    @Test
    void aCassandraWithoutTheKeyspaceSaysToProvision() {
        String m = ExceptionTranslator.explain(new InvalidQueryException(null, "Keyspace aot_analytics does not exist"),
                command("report", "--cassandra", "10.1.1.1:9042"));
        assertThat(m).isEqualTo("Cassandra at 10.1.1.1:9042 refused the request: Keyspace aot_analytics does not "
                + "exist; create the keyspaces and tables with ./aot provision, or pass --keyspace");
    }

    @Test
    void rawDriverAndKafkaFailuresNameTheServerOfTheCommandsOption() {
        assertThat(ExceptionTranslator.explain(new DriverTimeoutException("Query timed out after PT2S"),
                command("segments", "list", "--cassandra", "10.1.1.1:9042"))).isEqualTo("cannot reach Cassandra at "
                + "10.1.1.1:9042 (no answer in time); start one with ./aot stack or pass --cassandra HOST:PORT");
        assertThat(ExceptionTranslator.explain(new NoNodeAvailableException(), command("report")))
                .startsWith("cannot reach Cassandra at 127.0.0.1:9042 (No node was available");
        assertThat(ExceptionTranslator.explain(new org.apache.kafka.common.errors.TimeoutException("Timed out "
                + "waiting for a node assignment. Call: describeCluster"), command("simulate", "--bootstrap", "k:9092")))
                .isEqualTo("cannot reach Kafka at k:9092 (no answer in time); start one with ./aot stack or pass "
                        + "--bootstrap HOST:PORT");
    }

    @Test
    void theReasonIsTheDeepestCauseThatSaysIt() {
        // okhttp: its own ConnectException around the socket's
        Exception okhttp = new ConnectException("Failed to connect to /127.0.0.1:1");
        okhttp.initCause(new ConnectException("Connection refused"));
        assertThat(ExceptionTranslator.reason(okhttp)).isEqualTo("connection refused");
        assertThat(ExceptionTranslator.reason(new SocketTimeoutException("Read timed out"))).isEqualTo(
                "no answer in time");
        assertThat(ExceptionTranslator.reason(new UncheckedIOException(new EOFException()))).isEqualTo(
                "the server closed the connection");
        assertThat(ExceptionTranslator.reason(new IllegalStateException("odd\nanswer"))).isEqualTo("odd answer");
    }

    @Test
    void filesAreNamedWithTheOptionThatGaveThem() {
        CommandSpec report = command("report", "--out", "/srv/reports/today");
        assertThat(ExceptionTranslator.explain(new AccessDeniedException("/srv/reports"), report))
                .isEqualTo("/srv/reports: permission denied; check --out");
        assertThat(ExceptionTranslator.explain(new FileNotFoundException("/srv/reports/today/a.png (Permission "
                + "denied)"), report)).isEqualTo("/srv/reports/today/a.png: permission denied; check --out");
        assertThat(ExceptionTranslator.explain(new AccessDeniedException("/etc/aot"), report))
                .isEqualTo("/etc/aot: permission denied; check the path");
    }

    @Test
    void anythingElseIsItsClassAndMessageOnOneLineInsideTheWrappers() {
        assertThat(ExceptionTranslator.explain(new ExecutionException(new IllegalStateException("no metadata for "
                + "topic t\nwithin 30 s")), command("gateway", "--bootstrap", "k:9092")))
                .isEqualTo("java.lang.IllegalStateException: no metadata for topic t within 30 s");
        assertThat(ExceptionTranslator.explain(new UsageException("--rpc: expected host:port, got x"),
                command("validator", "status", "--rpc", "x"))).isEqualTo("--rpc: expected host:port, got x");
    }
}
