package io.aot.cli.demo;

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
 * While the demo runs, the log events of everything in its JVM (the Flink jobs, Kafka and Cassandra clients) go to a
 * file instead of the terminal: the terminal shows the demo's own progress, and the summary says how many warnings and
 * errors were logged and where (operators' logs stay out of the user's terminal). {@link #close} puts the previous
 * appenders back.
 */
final class DemoLog implements AutoCloseable {

    private final LoggerContext context;
    private final LoggerConfig root;
    private final List<Appender> replaced;
    private final Appender file;
    private final Counter counter;
    private final Path path;

    private DemoLog(LoggerContext context, LoggerConfig root, List<Appender> replaced, Appender file, Counter counter,
            Path path) {
        this.context = context;
        this.root = root;
        this.replaced = replaced;
        this.file = file;
        this.counter = counter;
        this.path = path;
    }

    /** Sends every log event of this JVM to {@code path} (appended) until {@link #close}. */
    static DemoLog redirectTo(Path path) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{ISO8601} %-5p [%t] %c - %m%n").build();
        Appender file = FileAppender.newBuilder().setName("aot-demo-file").setConfiguration(config)
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
        return new DemoLog(context, root, replaced, file, counter, path);
    }

    long warnings() {
        return counter.warnings.get();
    }

    long errors() {
        return counter.errors.get();
    }

    Path path() {
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
            super("aot-demo-counter", null, null, true, Property.EMPTY_ARRAY);
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
