package io.aot.localstack;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kills the children of crashed runs. Each child's {@link ParentWatchdog} normally takes it down with its parent; the
 * reaper is the second line, for a child that hangs instead: before each child starts, it reads every pid file, and
 * a child whose recorded parent is no longer running (same pid and start time) is killed with its process tree and
 * its temporary folder deleted.
 */
public final class OrphanReaper {

    static final String CHILD_ID_PROPERTY = "aot.localstack.child";

    /** What the reaper did with one pid file. */
    public record Reaped(long pid, String name, boolean killed) {
    }

    private OrphanReaper() {
    }

    /** Kills every recorded child whose parent is gone; returns what it found. */
    public static List<Reaped> reap() {
        List<Reaped> reaped = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(PidFile.directory())) {
            files = list.filter(p -> p.toString().endsWith(".pid")).toList();
        } catch (IOException e) {
            return reaped;
        }
        for (Path file : files) {
            Optional<PidFile> read = PidFile.read(file);
            if (read.isEmpty()) {
                continue;
            }
            PidFile record = read.get();
            if (isSameProcessAlive(record.parentPid(), record.parentStartedAt())) {
                continue; // its parent still runs it
            }
            boolean killed = false;
            Optional<ProcessHandle> child = ProcessHandle.of(record.pid());
            if (child.isPresent() && child.get().isAlive() && isOurChild(child.get(), record)) {
                killTree(child.get());
                killed = true;
            }
            if (record.deleteWorkDir()) {
                deleteTree(record.workDir());
            }
            record.delete();
            reaped.add(new Reaped(record.pid(), record.name(), killed));
        }
        return reaped;
    }

    private static boolean isSameProcessAlive(long pid, java.time.Instant startedAt) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(h -> PidFile.startOf(h).equals(startedAt))
                .orElse(false);
    }

    /** Guards against pid reuse: the process must carry the child id we put on its command line. */
    private static boolean isOurChild(ProcessHandle handle, PidFile record) {
        boolean sameStart = PidFile.startOf(handle).equals(record.startedAt());
        boolean sameId = handle.info().commandLine()
                .map(cmd -> cmd.contains(CHILD_ID_PROPERTY + "=" + record.childId()))
                .orElse(sameStart);
        return sameStart && sameId;
    }

    private static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a temp folder left behind is not a running process
        }
    }
}
