package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsBuiltAndPlannedCommands() {
        String help = Main.commandLine().getUsageMessage();
        assertThat(help).contains("stack", "demo", "validator", "Tendermint", "gateway", "simulate", "receipt", "report", "segments",
                "bench", "audit", "terminals", "not built yet", "issue #8");
        assertThat(Main.commandLine().getSubcommands().get("bench").getUsageMessage()).contains("consensus");
    }

    @Test
    void aCommandThatIsNotBuiltSaysSoAndFails() {
        PrintStream previous = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.commandLine().execute("segments", "list");
        } finally {
            System.setErr(previous);
        }
        assertThat(exit).isEqualTo(NotBuiltCommand.EXIT_NOT_BUILT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("aot segments is not built yet", "issue #8");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(Main.commandLine().execute("frobnicate")).isEqualTo(2);
    }
}
