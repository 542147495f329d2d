package io.aot.ads.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.ads.profile.CustomerProfile;
import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmQuintiles;
import io.aot.avro.MerchantCategory;
import org.junit.jupiter.api.Test;

class SegmentCatalogTest {

    static final String FILE = """
            {"segments": [
              {"id": "cafe-regulars-seoul", "version": 2, "description": "Seoul customers who love cafes",
               "all": [{"field": "homeRegion", "eq": "SEOUL"}, {"field": "affinity.CAFE", "gte": 0.3},
                       {"field": "frequency30d", "gte": 4}]},
              {"id": "high-value-at-risk", "all": [{"field": "mScore", "gte": 4}, {"field": "rScore", "lte": 2}]},
              {"id": "weekend-diners", "all": [{"field": "weekendShare", "gt": 0.5}],
               "any": [{"field": "affinity.RESTAURANT", "gte": 0.2}, {"field": "affinity.BAR", "gte": 0.2}]},
              {"id": "wallet-payers", "all": [{"field": "preferredMethod", "in": ["NFC_PHONE_WALLET", "QR_APP_TO_APP"]},
                                              {"field": "aotHolder", "eq": false}]}
            ]}""";

    static ProfileSnapshot profile() {
        ProfileSnapshot p = new ProfileSnapshot();
        p.member = "k:1";
        p.recencyDays = 1;
        p.frequency30 = 5;
        p.frequency90 = 9;
        p.monetary90Krw = 200_000;
        p.homeRegion = "SEOUL";
        p.preferredMethod = "NFC_PHONE_WALLET";
        p.categoryShare = new double[CustomerProfile.CATEGORY_SLOTS.size()];
        p.categoryShare[CustomerProfile.CATEGORY_SLOTS.slot(MerchantCategory.CAFE)] = 0.4;
        p.categoryShare[CustomerProfile.CATEGORY_SLOTS.slot(MerchantCategory.BAR)] = 0.3;
        p.weekendShare = 0.6;
        return p;
    }

    @Test
    void definitionsMatchTheProfilesTheyDescribe() {
        SegmentCatalog c = SegmentCatalog.parse(FILE);
        assertThat(c.segments()).extracting(SegmentDefinition::id).containsExactly("cafe-regulars-seoul",
                "high-value-at-risk", "weekend-diners", "wallet-payers");
        assertThat(c.get("cafe-regulars-seoul").version()).isEqualTo(2);
        assertThat(c.get("high-value-at-risk").version()).isEqualTo(1);
        RfmQuintiles none = new RfmQuintiles();
        ProfileSnapshot p = profile();
        assertThat(c.get("cafe-regulars-seoul").matches(p, none)).isTrue();
        assertThat(c.get("weekend-diners").matches(p, none)).isTrue();
        assertThat(c.get("wallet-payers").matches(p, none)).isTrue();
        assertThat(c.get("high-value-at-risk").matches(p, none)).as("no quintiles yet: scores 0").isFalse();
        p.frequency30 = 3;
        p.aotHolder = true;
        p.weekendShare = 0.5;
        assertThat(c.get("cafe-regulars-seoul").matches(p, none)).isFalse();
        assertThat(c.get("wallet-payers").matches(p, none)).isFalse();
        assertThat(c.get("weekend-diners").matches(p, none)).isFalse();
        p.frequency30 = 9;
        p.optedOut = true;
        assertThat(c.get("cafe-regulars-seoul").matches(p, none)).as("opted out: in no segment").isFalse();
    }

    @Test
    void rfmScoresComeFromTheQuintiles() {
        RfmQuintiles q = new RfmQuintiles();
        q.population = 100;
        q.recencyDays = new int[] {2, 5, 10, 30};
        q.frequency90 = new int[] {1, 2, 4, 8};
        q.monetaryBucket = new int[] {150, 180, 200, 220};
        ProfileSnapshot p = profile();
        p.recencyDays = 40; // least recent fifth: rScore 1
        p.monetary90Krw = 5_000_000; // bucket 317: mScore 5
        assertThat(SegmentCatalog.parse(FILE).get("high-value-at-risk").matches(p, q)).isTrue();
        p.recencyDays = 1;
        assertThat(SegmentCatalog.parse(FILE).get("high-value-at-risk").matches(p, q)).isFalse();
    }

    @Test
    void badFilesAreRefusedWithAReason() {
        assertThat(reason("{not json")).isEqualTo("MALFORMED_JSON");
        assertThat(reason("{\"segs\": []}")).isEqualTo("MALFORMED_JSON");
        assertThat(reason("{\"segments\": [{\"id\": \"a\", \"all\": [{\"field\": \"shoeSize\", \"gt\": 4}]}]}"))
                .isEqualTo("UNKNOWN_FIELD");
        assertThat(reason("{\"segments\": [{\"id\": \"a\", \"all\": [{\"field\": \"affinity.SHOES\", \"gt\": 0}]}]}"))
                .isEqualTo("UNKNOWN_FIELD");
        assertThat(reason("{\"segments\": [{\"id\": \"a\", \"all\": [{\"field\": \"frequency30d\", \"approx\": 4}]}]}"))
                .isEqualTo("UNKNOWN_OPERATOR");
        assertThat(reason("{\"segments\": [{\"id\": \"a\", \"all\": [{\"field\": \"frequency30d\", \"gt\": \"4\"}]}]}"))
                .isEqualTo("BAD_VALUE");
        assertThat(reason("{\"segments\": [{\"id\": \"A B\", \"all\": [{\"field\": \"frequency30d\", \"gt\": 4}]}]}"))
                .isEqualTo("BAD_ID");
        assertThat(reason("{\"segments\": [{\"id\": \"a\"}]}")).isEqualTo("EMPTY_SEGMENT");
        String one = "{\"id\": \"a\", \"all\": [{\"field\": \"frequency30d\", \"gt\": 4}]}";
        assertThat(reason("{\"segments\": [" + one + "," + one + "]}")).isEqualTo("DUPLICATE_ID");
        assertThat(reason("{\"segments\": [{\"id\": \"a\", \"all\": [{\"field\": \"frequency30d\"}]}]}"))
                .isEqualTo("MALFORMED_CONDITION");
    }

    private static String reason(String text) {
        try {
            SegmentCatalog.parse(text);
        } catch (SegmentDefinitionException e) {
            return e.reasonCode();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void theBundledExampleFileParses() throws Exception {
        try (var in = SegmentCatalogTest.class.getResourceAsStream("/io/aot/ads/segments.json")) {
            assertThat(SegmentCatalog.parse(new String(in.readAllBytes())).segments()).hasSizeGreaterThanOrEqualTo(4);
        }
        assertThatThrownBy(() -> new Condition("frequency30d", "in", 3)).isInstanceOf(SegmentDefinitionException.class);
    }
}
