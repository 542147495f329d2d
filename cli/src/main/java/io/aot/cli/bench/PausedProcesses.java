package io.aot.cli.bench;

import io.aot.localstack.ChildProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes stopped with SIGSTOP until {@link #close()} sends SIGCONT: a benchmark run that must not share the
 * cores with processes it does not use, without restarting them (and losing their warmed-up JIT) afterwards.
 */
final class PausedProcesses implements AutoCloseable {

    private final List<ChildProcess> paused;

    private PausedProcesses(List<ChildProcess> paused) {
        this.paused = paused;
    }

    static PausedProcesses pause(List<ChildProcess> processes) throws IOException, InterruptedException {
        List<ChildProcess> done = new ArrayList<>();
        PausedProcesses result = new PausedProcesses(done);
        try {
            for (ChildProcess p : processes) {
                signal("STOP", p);
                done.add(p);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            result.close(); // never leave a process stopped: SIGTERM waits on a stopped process
            throw e;
        }
        return result;
    }

    /** Resumes every paused process; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException, InterruptedException {
        Exception first = null;
        for (ChildProcess p : paused) {
            try {
                signal("CONT", p);
            } catch (IOException | InterruptedException | RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first instanceof IOException io) {
            throw io;
        } else if (first instanceof InterruptedException ie) {
            throw ie;
        } else if (first instanceof RuntimeException re) {
            throw re;
        }
    }

    private static void signal(String signal, ChildProcess p) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IOException("kill -" + signal + " " + p.pid() + " (" + p.name() + ") failed: "
                    + new String(kill.getInputStream().readAllBytes()).trim());
        }
    }
}
