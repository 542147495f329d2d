package io.aot.cli.errors;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The file a failed command leaves its details in (the stack trace, the arguments), so that its one-line error can
 * stay one line: under {@code ~/.aot/logs}, or the folder of the system property {@value #DIR_PROPERTY}. Written
 * only on failure, readable by the user only (the arguments may hold a key).
 */
public final class FailureLog {

    /** Overrides the folder, e.g. {@code -Daot.log-dir=/var/log/aot} (and tests, to keep out of the home folder). */
    static final String DIR_PROPERTY = "aot.log-dir";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private FailureLog() {
    }

    /** Where the command's log files go: {@code ~/.aot/logs}, or {@code -Daot.log-dir}. */
    public static Path directory() {
        String dir = System.getProperty(DIR_PROPERTY);
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".aot", "logs");
    }

    /** Now as log file names stamp it: {@code yyyyMMdd-HHmmss}, local time. */
    static String stamp() {
        return LocalDateTime.now().format(STAMP);
    }

    /** Writes a new log file, {@code aot-report-20261124-093012-PID.log}, and returns its path. */
    static Path write(String command, String line, List<String> args, Throwable e) throws IOException {
        Path dir = directory();
        Files.createDirectories(dir);
        String name = command.replace(' ', '-') + "-" + stamp() + "-"
                + ProcessHandle.current().pid();
        Path file = dir.resolve(name + ".log");
        for (int n = 2; ; n++) {
            try {
                Files.createFile(file, OWNER_ONLY);
                break;
            } catch (FileAlreadyExistsException sameSecond) {
                // a second failure of this process in the same second (tests run many commands in one JVM)
                file = dir.resolve(name + "-" + n + ".log");
            }
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        Files.writeString(file, line + "\n\ncommand: " + command + "\narguments: " + args + "\ntime: "
                + LocalDateTime.now() + "\n\n" + trace, StandardCharsets.UTF_8);
        return file;
    }
}
