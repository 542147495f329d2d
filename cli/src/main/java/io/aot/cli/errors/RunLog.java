package io.aot.cli.errors;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * While a long command runs (the demo, a benchmark), the log events of everything in its JVM (Flink jobs, Kafka and
 * Cassandra clients, the validators' stores) go to a file instead of the terminal: the terminal shows the command's own
 * progress, and {@link #summary} says how many warnings and errors were logged and where (operators' logs stay out of
 * the user's terminal). {@link #close} puts the previous appenders back.
 */
public final class RunLog implements AutoCloseable {

    private final LoggerContext context;
    private final LoggerConfig root;
    private final List<Appender> replaced;
    private final Appender file;
    private final Counter counter;
    private final Path path;

    private RunLog(LoggerContext context, LoggerConfig root, List<Appender> replaced, Appender file, Counter counter,
            Path path) {
        this.context = context;
        this.root = root;
        this.replaced = replaced;
        this.file = file;
        this.counter = counter;
        this.path = path;
    }

    /**
     * Sends every log event of this JVM to a new file {@code <command>-<yyyyMMdd-HHmmss>-<pid>.log} in
     * {@link FailureLog#directory()} until {@link #close}.
     */
    public static RunLog start(String command) throws java.io.IOException {
        Path dir = FailureLog.directory();
        java.nio.file.Files.createDirectories(dir);
        return redirectTo(dir.resolve(command.replace(' ', '-') + "-" + FailureLog.stamp() + "-"
                + ProcessHandle.current().pid() + ".log"));
    }

    /** Sends every log event of this JVM to {@code path} (appended) until {@link #close}. */
    static RunLog redirectTo(Path path) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{ISO8601} %-5p [%t] %c - %m%n").build();
        Appender file = FileAppender.newBuilder().setName("aot-run-file").setConfiguration(config)
                .withFileName(path.toString()).withAppend(true).setLayout(layout).build();
        file.start();
        Counter counter = new Counter();
        counter.start();
        LoggerConfig root = config.getRootLogger();
        List<Appender> replaced = List.copyOf(root.getAppenders().values());
        replaced.forEach(a -> root.removeAppender(a.getName()));
        root.addAppender(file, null, null);
        root.addAppender(counter, null, null);
        context.updateLoggers();
        return new RunLog(context, root, replaced, file, counter, path);
    }

    /** One line for the terminal: {@code what: N warnings, M errors -> FILE}. */
    public String summary(String what) {
        return String.format("%s: %,d warnings, %,d errors -> %s", what, warnings(), errors(), path);
    }

    public long warnings() {
        return counter.warnings.get();
    }

    public long errors() {
        return counter.errors.get();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        root.removeAppender(file.getName());
        root.removeAppender(counter.getName());
        replaced.forEach(a -> root.addAppender(a, null, null));
        context.updateLoggers();
        file.stop();
        counter.stop();
    }

    /** Counts what the summary line reports. */
    private static final class Counter extends AbstractAppender {
        final AtomicLong warnings = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        Counter() {
            super("aot-run-counter", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                errors.incrementAndGet();
            } else if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                warnings.incrementAndGet();
            }
        }
    }
}
