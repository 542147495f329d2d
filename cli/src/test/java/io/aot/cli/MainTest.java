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
        assertThat(help).contains("stack", "demo", "validator", "Tendermint", "gateway", "simulate", "receipt", "report", "settlement", "segments",
                "bench", "audit", "terminals").doesNotContain("not built yet");
        assertThat(Main.commandLine().getSubcommands().get("bench").getUsageMessage()).contains("consensus", "ads");
        assertThat(Main.commandLine().getSubcommands().get("segments").getUsageMessage()).contains("list", "export",
                "keys", "serve");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(Main.commandLine().execute("frobnicate")).isEqualTo(2);
    }
}
