package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/docker-compose.yml: no Docker engine runs here, so the images are never built or started by a test. What is
 * checked: Compose accepts the file ({@code docker-compose config}, Debian's docker-compose; skipped where it is not
 * installed, CI installs it), every {@code aot} subcommand it runs exists, and every job class it submits is in the
 * job jar's code.
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("..", "docker", "docker-compose.yml");

    @Test
    void composeAcceptsTheFile() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed (Debian: apt-get install docker-compose)");
        Process p = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void everyCommandAndJobClassItNamesExists() throws Exception {
        String compose = Files.readString(COMPOSE);
        List<String> subcommands = new ArrayList<>();
        Matcher command = Pattern.compile("command: \\[\"([a-z-]+)\"").matcher(compose);
        while (command.find()) {
            subcommands.add(command.group(1));
        }
        assertThat(subcommands).contains("validator", "gateway", "provision");
        var known = Main.commandLine().getSubcommands();
        assertThat(subcommands).allSatisfy(c -> assertThat(known).containsKey(c));

        List<String> jobs = new ArrayList<>();
        Matcher job = Pattern.compile("-c (io\\.aot\\.[A-Za-z.]+)").matcher(compose);
        while (job.find()) {
            jobs.add(job.group(1));
        }
        assertThat(jobs).containsExactly("io.aot.jobs.ingest.LedgerIngestJob", "io.aot.jobs.store.LedgerStoreJob");
        for (String j : jobs) {
            assertThat(Class.forName(j).getMethod("main", String[].class)).isNotNull();
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
