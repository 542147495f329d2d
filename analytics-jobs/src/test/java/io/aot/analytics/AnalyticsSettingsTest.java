package io.aot.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.ledger.privacy.CustomerPseudonyms;
import org.apache.flink.api.java.utils.ParameterTool;
import org.junit.jupiter.api.Test;

/** The production parser fails closed on the pseudonym key (issue #18 item 8). */
class AnalyticsSettingsTest {

    @Test
    void aDeploymentNeedsItsOwnPseudonymKey() {
        assertThatThrownBy(() -> AnalyticsSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--group", "g"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pseudonym-key-file");
        assertThatThrownBy(() -> AnalyticsSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--pseudonym-key", CustomerPseudonyms.DEMO_KEY})))
                .hasMessageContaining("public demo key");
        assertThat(AnalyticsSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--demo", "--group", "g"}))
                .pseudonymKey()).isEqualTo(CustomerPseudonyms.DEMO_KEY);
        String own = "k1:" + "ab".repeat(32);
        assertThat(AnalyticsSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--pseudonym-key", own}))
                .pseudonymKey()).isEqualTo(own);
    }

    /** Issue #18 item 2: a mistyped option is refused, naming it and the known ones (it was silently ignored). */
    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> AnalyticsSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--demo", "--pseudonym-key-flie", "k.txt", "--top", "5"})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MarketAnalyticsJob: unknown options --pseudonym-key-flie, --top; known: ")
                .hasMessageContaining("--pseudonym-key-file").hasMessageContaining("--top-k");
    }
}
