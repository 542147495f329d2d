package io.aot.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The released versions of every record schema, committed under {@code io/aot/schemas/history/<Record>/v<N>.avsc}.
 * This folder is our schema registry: a reader accepts exactly the writer schemas released here (by fingerprint), and
 * {@link CompatibilityCheck} holds each new version against all earlier ones. Each file is self-contained (named types
 * inlined), exactly as {@code Schema#toString(true)} printed it at release.
 */
public final class SchemaHistory {

    public static final String RESOURCE_ROOT = "io/aot/schemas/history/";
    /** Bound on versions probed per record; far above any real history, and keeps a lookup loop finite. */
    static final int MAX_VERSIONS = 1000;

    private static final Map<String, List<Schema>> CACHE = new ConcurrentHashMap<>();

    private SchemaHistory() {
    }

    /** Released versions of the record with this full name, oldest first; empty if none was ever released. */
    public static List<Schema> releasedVersions(String fullName) {
        return CACHE.computeIfAbsent(fullName, SchemaHistory::load);
    }

    public static String resourcePath(String fullName, int version) {
        return RESOURCE_ROOT + simpleName(fullName) + "/v" + version + ".avsc";
    }

    private static List<Schema> load(String fullName) {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; v <= MAX_VERSIONS; v++) {
            String path = resourcePath(fullName, v);
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
        return List.copyOf(versions);
    }

    private static String simpleName(String fullName) {
        return fullName.substring(fullName.lastIndexOf('.') + 1);
    }
}
