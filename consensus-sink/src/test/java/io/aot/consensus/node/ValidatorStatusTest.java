package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The STATUS answer on the wire: every field comes back, and a truncated or oversized answer is refused. */
class ValidatorStatusTest {

    private static final ValidatorStatus STATUS = new ValidatorStatus(2, 120, 1, "PREVOTE", 3, 2, 3, 40, 4096, 1, 125,
            777, 9000, Map.of("old-height", 12L), Map.of("dial-failed", 4L));

    private static byte[] encoded(ValidatorStatus s) {
        CanonicalWriter w = new CanonicalWriter();
        s.write(w);
        return w.toByteArray();
    }

    @Test
    void everyFieldRoundTrips() throws Exception {
        assertThat(ValidatorStatus.read(new CanonicalReader(encoded(STATUS)))).isEqualTo(STATUS);
        assertThat(STATUS.blocksBehind()).isEqualTo(5);
        assertThat(STATUS.catchingUp()).isTrue();
        assertThat(String.join("\n", STATUS.describe())).contains("height 120, round 1 PREVOTE", "catching up, 5 blocks",
                "peers connected 2/3", "40 txs, 4096 bytes", "equivocations seen: 1", "old-height=12", "dial-failed=4");
    }

    @Test
    void aTruncatedLongerOrOversizedAnswerIsMalformed() {
        byte[] good = encoded(STATUS);
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> ValidatorStatus.read(new CanonicalReader(truncated)))
                    .as("cut at %d", cut).isInstanceOf(CanonicalReader.MalformedException.class);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ValidatorStatus.read(new CanonicalReader(longer)))
                .isInstanceOf(CanonicalReader.MalformedException.class);
        Map<String, Long> many = new HashMap<>();
        for (int i = 0; i <= ValidatorStatus.MAX_COUNTERS; i++) {
            many.put("reason-" + i, 1L);
        }
        byte[] tooMany = encoded(new ValidatorStatus(0, 0, 0, "PROPOSE", 0, 0, 0, 0, 0, 0, 0, 0, 0, many, Map.of()));
        assertThatThrownBy(() -> ValidatorStatus.read(new CanonicalReader(tooMany)))
                .isInstanceOf(CanonicalReader.MalformedException.class);
    }
}
