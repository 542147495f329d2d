package io.aot.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * What a shaded job jar must not carry, checked by each job's cluster test on the jar it submits (issue #18 item 1,
 * in part): one Cassandra driver (the 4.x one, through our own sink), not a second, end-of-life one with the Flink 1.16
 * connector; and no Flink runtime, which the cluster provides.
 */
public final class JobJarChecks {

    private static final List<String> FORBIDDEN_PREFIXES = List.of(
            "com/datastax/driver/", // the 3.x driver
            "org/apache/flink/streaming/connectors/cassandra/", // flink-connector-cassandra
            "org/apache/flink/runtime/", "org/apache/flink/streaming/api/"); // provided by the cluster

    private JobJarChecks() {
    }

    public static void carriesNoSecondDriverNorFlink(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> forbidden = zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> FORBIDDEN_PREFIXES.stream().anyMatch(n::startsWith)).limit(10).toList();
            assertThat(forbidden).as("classes the job jar %s must not carry", jar.getFileName()).isEmpty();
            assertThat(zip.getEntry("com/datastax/oss/driver/api/core/CqlSession.class"))
                    .as("the 4.x driver the sinks use").isNotNull();
        }
    }
}
