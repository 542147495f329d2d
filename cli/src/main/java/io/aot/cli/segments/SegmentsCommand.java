package io.aot.cli.segments;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.cli.connect.CassandraConsistency;
import io.aot.ads.access.AdvertiserApi;
import io.aot.ads.access.AdvertiserKeys;
import io.aot.ads.access.SegmentDirectory;
import io.aot.cli.connect.CassandraSessions;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Audience segments in {@code aot_ads}: list, export (audited), advertiser keys, and the advertiser HTTP API. */
@Command(name = "segments", mixinStandardHelpOptions = true,
        description = "Advertising audience segments (written by AudienceJob; docs/ad-targeting.md): list, export, "
                + "keys, serve.",
        subcommands = {SegmentsCommand.List.class, SegmentsCommand.Export.class, SegmentsCommand.Keys.class,
            SegmentsCommand.Serve.class})
public final class SegmentsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the segments are. */
    static class Store {
        @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042")
        String cassandra;

        @Option(names = "--datacenter", defaultValue = "datacenter1")
        String datacenter;

        @Option(names = "--keyspace", defaultValue = "aot_ads")
        String keyspace;

        @Mixin
        CassandraConsistency consistency;

        CqlSession session() {
            return CassandraSessions.open(cassandra, datacenter, consistency.level());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every segment with its size and whether it is published (size >= k). Operators' view: "
                    + "advertisers only ever see published ones.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Override
        public Integer call() {
            try (CqlSession s = store.session()) {
                var all = new SegmentDirectory(s, store.keyspace).all();
                System.out.printf("%-28s %8s %10s %-11s %s%n", "segment", "version", "members", "published", "updated");
                for (SegmentDirectory.Segment seg : all) {
                    System.out.printf("%-28s %8d %,10d %-11s %s%n", seg.id(), seg.version(), seg.memberCount(),
                            seg.published() ? "yes" : "no (< k)", seg.updatedAt());
                }
                System.out.println(all.size() + " segments");
                return 0;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the pseudonymous members of a published segment to FILE (JSON lines); recorded in "
                    + "aot_ads.export_audit. Exit 2 for a segment that is not published.")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SEGMENT")
        String segment;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--as", description = "Who exports, for the audit (default: cli:<user>).")
        String who;

        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Override
        public Integer call() throws Exception {
            String by = who != null ? who : "cli:" + System.getProperty("user.name");
            try (CqlSession s = store.session(); Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                SegmentDirectory.Export e = new SegmentDirectory(s, store.keyspace).export(segment, by,
                        "file:" + out.toAbsolutePath(), w);
                System.out.printf("Exported %,d members of %s (version %d) to %s; audit export id %s%n", e.members(),
                        segment, e.version(), out, e.exportId());
                return 0;
            } catch (IllegalStateException notPublished) {
                Files.deleteIfExists(out);
                System.err.println("aot segments export: " + notPublished.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Make (or revoke) an advertiser API key scoped to segments. The key is printed once.")
    static final class Keys implements Callable<Integer> {
        @Option(names = "--advertiser")
        String advertiser;

        @Option(names = "--segments", split = ",", description = "Segment ids the key may read.")
        Set<String> segments;

        @Option(names = "--revoke", description = "Revoke this key instead.")
        String revoke;

        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Override
        public Integer call() {
            try (CqlSession s = store.session()) {
                AdvertiserKeys keys = new AdvertiserKeys(s, store.keyspace);
                if (revoke != null) {
                    keys.revoke(revoke);
                    System.out.println("revoked");
                    return 0;
                }
                if (advertiser == null || segments == null || segments.isEmpty()) {
                    System.err.println("aot segments keys: --advertiser NAME --segments a,b (or --revoke KEY)");
                    return 2;
                }
                System.out.println(keys.create(advertiser, segments));
                return 0;
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "The advertiser HTTP API: GET /v1/segments, GET /v1/segments/{id}/members "
                    + "(Authorization: Bearer <key>). Ctrl-C stops it.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8480")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;

        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Override
        public Integer call() throws Exception {
            try (CqlSession s = store.session();
                    AdvertiserApi api = AdvertiserApi.start(host, port, new AdvertiserKeys(s, store.keyspace),
                            new SegmentDirectory(s, store.keyspace))) {
                System.out.println("advertiser API on http://" + host + ":" + api.port() + "/v1/segments");
                Thread.currentThread().join();
                return 0;
            }
        }
    }
}
