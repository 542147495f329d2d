package io.aot.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchResultsTest {

    @Test
    void nestedMapsListsAndQuotedTextAreJson() throws Exception {
        Map<String, Object> round = new LinkedHashMap<>();
        round.put("round", 2);
        round.put("warm_up", false);
        round.put("threads", Map.of("say \"hi\"", 1.5));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("rounds", List.of(round, Map.of("round", 3)));
        all.put("latency", null);
        all.put("empty", List.of());

        JsonNode parsed = new ObjectMapper().readTree(BenchResults.toJson(all, ""));

        assertThat(parsed.get("rounds").size()).isEqualTo(2);
        assertThat(parsed.get("rounds").get(0).get("warm_up").asBoolean(true)).isFalse();
        assertThat(parsed.get("rounds").get(0).get("threads").get("say \"hi\"").asDouble()).isEqualTo(1.5);
        assertThat(parsed.get("rounds").get(1).get("round").asInt()).isEqualTo(3);
        assertThat(parsed.get("latency").isNull()).isTrue();
        assertThat(parsed.get("empty").isArray()).isTrue();
    }
}
