package io.aot.localstack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A running child JVM. {@link #stop(Duration)} asks it to shut down, then kills its whole process tree. */
public final class ChildProcess {

    private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopAllOnExit, "aot-local-stack-shutdown"));
    }

    private final String name;
    private final Process process;
    private final PidFile pidFile;
    private final Path logFile;

    private ChildProcess(String name, Process process, PidFile pidFile, Path logFile) {
        this.name = name;
        this.process = process;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    static ChildProcess track(String name, Process process, PidFile pidFile, Path logFile) {
        ChildProcess child = new ChildProcess(name, process, pidFile, logFile);
        RUNNING.add(child);
        return child;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Resident memory in MiB from /proc (Linux), or -1 where unavailable. */
    public long residentMemoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The last lines of the child's log, for error messages. */
    public String logTail(int lines) {
        return LogFiles.tail(logFile, lines);
    }

    /**
     * Closes the child's standard input and sends SIGTERM (both make a JVM run its shutdown hooks), waits up to
     * {@code grace}, then SIGKILLs the child and any process it started. Idempotent.
     */
    public void stop(Duration grace) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        RUNNING.remove(this);
        pidFile.delete();
    }

    /** Waits for the child to exit by itself (for short-lived tools); kills it after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedIOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(Duration.ZERO);
                throw new InterruptedIOException(name + " did not finish within " + timeout + "; log:\n" + logTail(30));
            }
        } catch (InterruptedException e) {
            stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + name);
        }
        RUNNING.remove(this);
        pidFile.delete();
        return process.exitValue();
    }

    private static void stopAllOnExit() {
        // In parallel: each server may take seconds to shut down cleanly.
        List<Thread> stoppers = RUNNING.stream()
                .map(child -> new Thread(() -> child.stop(Duration.ofSeconds(15)), "stop-" + child.name))
                .toList();
        stoppers.forEach(Thread::start);
        for (Thread t : stoppers) {
            try {
                t.join(20_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
