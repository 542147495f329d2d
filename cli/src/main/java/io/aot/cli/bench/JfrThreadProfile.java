package io.aot.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder recording of this JVM over one benchmark phase (JFR's "profile" settings), kept as a file for
 * JDK Mission Control or {@code jfr print}, and summarized per thread group (CPU time and execution samples): which
 * operators of the jobs running here took the CPU. Thread names are grouped by dropping digits and subtask suffixes.
 */
final class JfrThreadProfile implements AutoCloseable {

    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)#\\d+.*$");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final int MAX_NAME_CHARS = 110;

    private final Recording recording;
    private final Path file;

    private JfrThreadProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static JfrThreadProfile start(Path file) throws IOException {
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.enable("jdk.ThreadCPULoad").withPeriod(Duration.ofSeconds(1));
            r.setName(file.getFileName().toString());
            r.start();
            return new JfrThreadProfile(r, file);
        } catch (ParseException e) {
            throw new IOException("JFR's built-in profile settings did not parse", e);
        }
    }

    /** Per thread group: share of the JVM's thread CPU time and share of execution samples, both in %. */
    record Shares(Map<String, Double> cpu, Map<String, Double> samples) {
    }

    /**
     * Stops, writes the file, and returns the {@code top} thread groups by CPU time ({@code jdk.ThreadCPULoad} every
     * second) and by execution samples. Samples count a thread whenever it is in Java code, also while it waits for a
     * core; CPU time does not: on an oversubscribed machine only the CPU shares say where the CPU went.
     */
    Shares stop(int top) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Double> samples = new TreeMap<>();
        Map<String, Double> cpu = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> samples.merge(group(e.getThread("sampledThread")), 1.0, Double::sum);
                // loads are fractions of the machine over equal periods: their sums compare threads' CPU time
                case "jdk.ThreadCPULoad" -> cpu.merge(group(e.getThread()),
                        (double) e.getFloat("user") + e.getFloat("system"), Double::sum);
                default -> {
                }
            }
        }
        return new Shares(percentages(cpu, top), percentages(samples, top));
    }

    private static Map<String, Double> percentages(Map<String, Double> totals, int top) {
        double all = Math.max(1e-9, totals.values().stream().mapToDouble(Double::doubleValue).sum());
        Map<String, Double> shares = new LinkedHashMap<>();
        totals.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(s -> shares.put(s.getKey(), BenchResults.round(100.0 * s.getValue() / all)));
        return shares;
    }

    private static String group(RecordedThread t) {
        return t == null || t.getJavaName() == null ? "(unknown)" : group(t.getJavaName());
    }

    static String group(String threadName) {
        String g = DIGITS.matcher(SUBTASK.matcher(threadName).replaceAll("")).replaceAll("N");
        return g.length() > MAX_NAME_CHARS ? g.substring(0, MAX_NAME_CHARS) + "..." : g;
    }

    @Override
    public void close() {
        recording.close();
    }
}
