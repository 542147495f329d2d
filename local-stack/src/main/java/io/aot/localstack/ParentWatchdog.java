package io.aot.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point of every child JVM the stack starts: runs the server's real main class, and makes the server exit when
 * its parent is gone, even when the parent died by {@code kill -9} and ran no shutdown hook. Two signals, either is
 * enough: standard input (a pipe the parent holds) reaches end-of-file, or the parent's pid stops being alive.
 * The server then gets {@link #EXIT_GRACE_MS} to run its own shutdown hooks before the JVM halts.
 *
 * <p>Usage: {@code ParentWatchdog <parentPid> <mainClass> [args...]}.
 */
public final class ParentWatchdog {

    static final long EXIT_GRACE_MS = 20_000;
    static final long PARENT_POLL_MS = 1_000;
    /** Set to {@code false} only by tests that need a child which survives its parent (to exercise the reaper). */
    static final String ENABLED_PROPERTY = "aot.localstack.watchdog";

    private static final AtomicBoolean EXITING = new AtomicBoolean();

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        if (Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            watchStdin();
            watchParentPid(parentPid);
        }
        String[] serverArgs = Arrays.copyOfRange(args, 2, args.length);
        try {
            Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object) serverArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchStdin() {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64];
            try {
                InputStream in = System.in;
                while (in.read(buffer) != -1) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file
            }
            parentGone("standard input closed");
        }, "aot-watchdog-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static void watchParentPid(long parentPid) {
        Thread t = new Thread(() -> {
            while (true) {
                boolean alive = ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    parentGone("parent pid " + parentPid + " is gone");
                    return;
                }
                try {
                    Thread.sleep(PARENT_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "aot-watchdog-parent");
        t.setDaemon(true);
        t.start();
    }

    private static void parentGone(String why) {
        if (!EXITING.compareAndSet(false, true)) {
            return;
        }
        System.err.println("[aot-watchdog] " + why + ": shutting down");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(EXIT_GRACE_MS);
            } catch (InterruptedException ignored) {
                // halt now
            }
            System.err.println("[aot-watchdog] shutdown took over " + EXIT_GRACE_MS + " ms: halting");
            Runtime.getRuntime().halt(137);
        }, "aot-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
