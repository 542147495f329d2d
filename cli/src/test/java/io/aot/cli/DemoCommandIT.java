package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code aot demo} end to end, short: it starts its own Kafka, Cassandra, 4 validators and Flink jobs, drives the
 * simulator, checks itself (committed = accepted, replayed chain conserves every currency) and stops everything.
 */
class DemoCommandIT {

    @Test
    void aShortDemoRunsChecksItselfAndStopsEverything() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.commandLine().execute("demo", "--seconds", "8", "--rate", "250", "--merchants", "100",
                    "--customers", "1000", "--bad-fraction", "0.1");
        } finally {
            System.setOut(old);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertThat(exit).isZero();
        assertThat(output).contains("committed = accepted, each once: OK").contains("app hashes all match")
                .contains("every currency sums to zero: OK").contains("validate/BAD_SIGNATURE")
                .contains("(= committed)").contains("(= committed payments)").contains("Audience segments (aot_ads")
                .doesNotContain("VIOLATES THE k RULE").contains("Demo PASSED").contains("Stopped everything the demo started");
        assertThat(output.lines().filter(l -> l.matches("\\s+\\d+s\\s.*"))).as("progress lines").isNotEmpty();
        // Operators' logs stay out of the terminal: one line says how many and where the file is.
        var logLine = java.util.regex.Pattern.compile("Log of the jobs and clients: [\\d,]+ warnings, [\\d,]+ errors -> (\\S+)")
                .matcher(output);
        assertThat(logLine.find()).as("the log summary line").isTrue();
        assertThat(java.nio.file.Path.of(logLine.group(1))).exists();
        assertThat(output).doesNotContain("\tat ").doesNotContain(" WARN ");
    }
}
