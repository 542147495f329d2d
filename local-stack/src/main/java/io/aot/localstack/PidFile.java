package io.aot.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * One started child, recorded on disk until it is stopped: its pid and start time, its parent's pid and start time
 * (pids are reused, start times tell a new process from the old one), a unique id on its command line, and the
 * working folder to delete after a crash.
 */
record PidFile(Path file, long pid, Instant startedAt, String childId, long parentPid, Instant parentStartedAt,
        String name, Path workDir, boolean deleteWorkDir) {

    static Path directory() {
        String override = System.getProperty("aot.localstack.pid.dir");
        Path dir = override != null ? Path.of(override)
                : Path.of(System.getProperty("java.io.tmpdir"), "aot-local-stack-" + System.getProperty("user.name"), "pids");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pid folder " + dir, e);
        }
        return dir;
    }

    static PidFile write(ProcessHandle child, String childId, String name, Path workDir, boolean deleteWorkDir) {
        ProcessHandle self = ProcessHandle.current();
        PidFile record = new PidFile(directory().resolve(child.pid() + ".pid"), child.pid(), startOf(child),
                childId, self.pid(), startOf(self), name, workDir.toAbsolutePath(), deleteWorkDir);
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(record.pid));
        p.setProperty("startedAt", record.startedAt.toString());
        p.setProperty("childId", childId);
        p.setProperty("parentPid", Long.toString(record.parentPid));
        p.setProperty("parentStartedAt", record.parentStartedAt.toString());
        p.setProperty("name", name);
        p.setProperty("workDir", record.workDir.toString());
        p.setProperty("deleteWorkDir", Boolean.toString(deleteWorkDir));
        Path tmp = record.file.resolveSibling(record.file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "aot local-stack child; deleted when the child is stopped");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + record.file, e);
        }
        try {
            Files.move(tmp, record.file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + record.file, e);
        }
        return record;
    }

    static Optional<PidFile> read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            return Optional.of(new PidFile(file, Long.parseLong(p.getProperty("pid")),
                    Instant.parse(p.getProperty("startedAt")), p.getProperty("childId"),
                    Long.parseLong(p.getProperty("parentPid")), Instant.parse(p.getProperty("parentStartedAt")),
                    p.getProperty("name"), Path.of(p.getProperty("workDir")),
                    Boolean.parseBoolean(p.getProperty("deleteWorkDir"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: half-written by a crashed writer
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the reaper tolerates stale files
        }
    }

    static Instant startOf(ProcessHandle handle) {
        return handle.info().startInstant().orElse(Instant.EPOCH);
    }
}
