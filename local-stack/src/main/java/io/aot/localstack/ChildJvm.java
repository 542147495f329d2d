package io.aot.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Describes a child JVM (classpath, main class, flags, working folder, log file) and starts it as a
 * {@link ChildProcess}. The child runs under {@link ParentWatchdog}, is recorded in a pid file for the
 * {@link OrphanReaper}, and is stopped by a shutdown hook of this JVM.
 */
public final class ChildJvm {

    private final String name;
    private final List<Path> classpath = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String mainClass;
    private Path workDir;
    private Path logFile;
    private boolean deleteWorkDirWhenReaped;
    private boolean watchParent = true;

    private ChildJvm(String name) {
        this.name = Objects.requireNonNull(name);
    }

    public static ChildJvm named(String name) {
        return new ChildJvm(name);
    }

    public ChildJvm classpath(List<Path> entries) {
        classpath.addAll(entries);
        return this;
    }

    public ChildJvm mainClass(String mainClass) {
        this.mainClass = mainClass;
        return this;
    }

    public ChildJvm jvmArgs(String... flags) {
        jvmArgs.addAll(List.of(flags));
        return this;
    }

    public ChildJvm jvmArgs(List<String> flags) {
        jvmArgs.addAll(flags);
        return this;
    }

    public ChildJvm args(String... arguments) {
        args.addAll(List.of(arguments));
        return this;
    }

    /** Working folder; if {@code temporary}, the reaper deletes it after a crash of the parent. */
    public ChildJvm workDir(Path dir, boolean temporary) {
        this.workDir = dir;
        this.deleteWorkDirWhenReaped = temporary;
        return this;
    }

    public ChildJvm logFile(Path file) {
        this.logFile = file;
        return this;
    }

    /** Tests only: a child that does not exit with its parent, to prove the reaper finds it. */
    ChildJvm withoutParentWatchdog() {
        this.watchParent = false;
        return this;
    }

    public ChildProcess start() {
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(logFile, "logFile");
        OrphanReaper.reap(); // cheap: a listing of a folder of a few files
        String childId = UUID.randomUUID().toString();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + OrphanReaper.CHILD_ID_PROPERTY + "=" + childId);
        command.add("-D" + ParentWatchdog.ENABLED_PROPERTY + "=" + watchParent);
        command.addAll(jvmArgs);
        command.add("-cp");
        List<String> cp = new ArrayList<>();
        cp.add(ownCodeLocation().toString());
        classpath.forEach(p -> cp.add(p.toString()));
        command.add(String.join(File.pathSeparator, cp));
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // stdin stays a pipe: when this JVM dies, the child's watchdog reads end-of-file.
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        PidFile pidFile = PidFile.write(process.toHandle(), childId, name, workDir, deleteWorkDirWhenReaped);
        return ChildProcess.track(name, process, pidFile, logFile);
    }

    /** This library's jar or classes folder: the child needs {@link ParentWatchdog} on its classpath. */
    private static Path ownCodeLocation() {
        try {
            return Path.of(ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
