package io.aot.ads.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.ads.store.AdsTable;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The advertiser API and exports on a real Cassandra holding segments as the audience job writes them: keys scoped to
 * segments, 401/403/404 by case, segments under k never listed nor exported, every export in the audit table.
 */
@ExtendWith(CassandraExtension.class)
class AdvertiserAccessIT {

    @Test
    void scopedKeysSeePublishedSegmentsOnlyAndEveryExportIsAudited(CassandraNode cassandra) throws Exception {
        String keyspace = "aot_ads_access_" + UUID.randomUUID().toString().substring(0, 8);
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.ADS, keyspace, Replication.simple(1), s::execute);
            segment(s, keyspace, "cafe-regulars", 120, true);
            segment(s, keyspace, "champions", 150, true);
            segment(s, keyspace, "tiny", 12, false);
            AdvertiserKeys keys = new AdvertiserKeys(s, keyspace);
            SegmentDirectory directory = new SegmentDirectory(s, keyspace);
            String coffee = keys.create("coffee-co", Set.of("cafe-regulars", "tiny"));
            String revoked = keys.create("gone-co", Set.of("champions"));
            keys.revoke(revoked);

            try (AdvertiserApi api = AdvertiserApi.start("127.0.0.1", 0, keys, directory)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + api.port();
                assertThat(get(http, base + "/v1/segments", null).statusCode()).isEqualTo(401);
                assertThat(get(http, base + "/v1/segments", "aotk_" + "0".repeat(64)).body()).contains("BAD_API_KEY");
                assertThat(get(http, base + "/v1/segments", revoked).statusCode()).isEqualTo(401);

                HttpResponse<String> list = get(http, base + "/v1/segments", coffee);
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.body()).contains("\"id\":\"cafe-regulars\"", "\"members\":120")
                        .doesNotContain("tiny").doesNotContain("champions");

                HttpResponse<String> other = get(http, base + "/v1/segments/champions/members", coffee);
                assertThat(other.statusCode()).isEqualTo(403);
                assertThat(other.body()).contains("SEGMENT_NOT_IN_SCOPE");
                assertThat(get(http, base + "/v1/segments/tiny/members", coffee).statusCode())
                        .as("in scope but under k").isEqualTo(404);

                HttpResponse<String> export = get(http, base + "/v1/segments/cafe-regulars/members", coffee);
                assertThat(export.statusCode()).isEqualTo(200);
                assertThat(export.body().lines().count()).isEqualTo(120);
                assertThat(export.body().lines()).allSatisfy(l -> assertThat(l).startsWith("{\"member\":\"k1:cafe-regulars-"));
                String exportId = export.headers().firstValue("x-export-id").orElseThrow();
                var audit = s.execute("SELECT advertiser, segment_id, member_count, export_id FROM " + keyspace
                        + ".export_audit WHERE day = ?", java.time.LocalDate.now(io.aot.ads.profile.MarketCalendar.ZONE)).all();
                assertThat(audit).hasSize(1);
                assertThat(audit.get(0).getString(0)).isEqualTo("coffee-co");
                assertThat(audit.get(0).getLong(2)).isEqualTo(120);
                assertThat(audit.get(0).getString(3)).isEqualTo(exportId);
            }
            // The CLI's path: the same directory, so the same rules and the same audit.
            StringWriter out = new StringWriter();
            SegmentDirectory.Export e = directory.export("champions", "cli:ops", "file:/tmp/x", out);
            assertThat(e.members()).isEqualTo(150);
            assertThatThrownBy(() -> directory.export("tiny", "cli:ops", "file:/tmp/y", new StringWriter()))
                    .hasMessageContaining("not published");
            assertThat(s.execute("SELECT count(*) FROM " + keyspace + ".export_audit").one().getLong(0)).isEqualTo(2);
            assertThat(directory.all()).extracting(SegmentDirectory.Segment::id)
                    .containsExactly("cafe-regulars", "champions", "tiny");
        }
    }

    private static void segment(CqlSession s, String keyspace, String id, int members, boolean published) {
        s.execute("INSERT INTO " + keyspace + ".segments (segment_id, version, member_count, published, updated_at, "
                + "definition) VALUES (?, 1, ?, ?, ?, '{}')", id, (long) members, published, Instant.now());
        if (!published) {
            return; // the job's member tables hold published members only
        }
        Set<String> written = new TreeSet<>();
        for (int i = 0; i < members; i++) {
            String member = "k1:" + id + "-" + i;
            written.add(member);
            s.execute("INSERT INTO " + keyspace + ".segment_members (segment_id, bucket, member, pseudonym_key_id, "
                    + "added_at, segment_version) VALUES (?, ?, ?, 'k1', ?, 1)", id, AdsTable.bucket(member), member,
                    Instant.now());
        }
        assertThat(written).hasSize(members);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
