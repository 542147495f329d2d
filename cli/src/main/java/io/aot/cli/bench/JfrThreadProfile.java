package io.aot.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
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
 * JDK Mission Control or {@code jfr print}, and summarized as the share of CPU samples per thread group: which
 * operators of the jobs running here took the time. Thread names are grouped by dropping digits and subtask suffixes.
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
            r.setName(file.getFileName().toString());
            r.start();
            return new JfrThreadProfile(r, file);
        } catch (ParseException e) {
            throw new IOException("JFR's built-in profile settings did not parse", e);
        }
    }

    /** Stops, writes the file, and returns the {@code top} thread groups by share of execution samples (in %). */
    Map<String, Double> stop(int top) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Long> samples = new TreeMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
                continue;
            }
            RecordedThread t = e.getThread("sampledThread");
            String name = t == null || t.getJavaName() == null ? "(unknown)" : group(t.getJavaName());
            samples.merge(name, 1L, Long::sum);
            total++;
        }
        long all = Math.max(1, total);
        Map<String, Double> shares = new LinkedHashMap<>();
        samples.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(s -> shares.put(s.getKey(), BenchResults.round(100.0 * s.getValue() / all)));
        return shares;
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
