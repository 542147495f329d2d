package io.aot.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A parent JVM that starts one child through {@link ChildJvm}, prints its pid and work folder, and waits to be
 * killed. Usage: {@code OrphanParentMain <watchdog true|false> <test-classes dir>}.
 */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean watchdog = Boolean.parseBoolean(args[0]);
        Path dir = Files.createTempDirectory("aot-orphan-test-");
        ChildJvm jvm = ChildJvm.named("sleeper")
                .classpath(Arrays.stream(args[1].split(java.io.File.pathSeparator)).map(Path::of).toList())
                .jvmArgs("-Xmx32m")
                .mainClass(SleeperMain.class.getName())
                .workDir(dir, true)
                .logFile(dir.resolve("sleeper.log"));
        if (!watchdog) {
            jvm.withoutParentWatchdog();
        }
        ChildProcess child = jvm.start();
        System.out.println("CHILD " + child.pid() + " " + dir);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
