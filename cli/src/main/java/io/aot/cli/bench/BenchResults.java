package io.aot.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** How every benchmark reports: its figures as JSON, printed and written to its results file. */
final class BenchResults {

    private BenchResults() {
    }

    static void write(Path out, Map<String, Object> figures) throws IOException {
        String json = toJson(figures, "") + "\n";
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json);
        System.out.print(json);
        System.out.println("written to " + out);
    }

    /** Two decimals: enough for rates and core counts. */
    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String toJson(Object v, String indent) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(indent).append("  ").append(toJson(String.valueOf(e.getKey()), "")).append(": ")
                        .append(toJson(e.getValue(), indent + "  "));
                sb.append(++i < m.size() ? ",\n" : "\n");
            }
            return sb.append(indent).append('}').toString();
        }
        if (v instanceof java.util.List<?> l) {
            StringBuilder sb = new StringBuilder("[\n");
            for (int i = 0; i < l.size(); i++) {
                sb.append(indent).append("  ").append(toJson(l.get(i), indent + "  "));
                sb.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            return sb.append(indent).append(']').toString();
        }
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(v); // numbers, booleans, null
    }
}
