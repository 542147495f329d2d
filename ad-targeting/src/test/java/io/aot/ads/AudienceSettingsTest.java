package io.aot.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.ledger.privacy.CustomerPseudonyms;
import org.apache.flink.api.java.utils.ParameterTool;
import org.junit.jupiter.api.Test;

/** The production parser fails closed on the pseudonym key (issue #18 item 8). */
class AudienceSettingsTest {

    @Test
    void aDeploymentNeedsItsOwnPseudonymKey() {
        assertThatThrownBy(() -> AudienceSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--segments", "segments.json"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pseudonym-key-file");
        assertThatThrownBy(() -> AudienceSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--segments", "segments.json", "--pseudonym-key", CustomerPseudonyms.DEMO_KEY})))
                .hasMessageContaining("public demo key");
        assertThat(AudienceSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--demo", "--segments", "segments.json"})).pseudonymKey())
                .isEqualTo(CustomerPseudonyms.DEMO_KEY);
    }

    /** Issue #18 item 2: a mistyped option is refused, naming it and the known ones (it was silently ignored). */
    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> AudienceSettings.fromArgs(ParameterTool.fromArgs(
                new String[] {"--demo", "--segments", "segments.json", "--K", "50"})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("AudienceJob: unknown option --K; known: ").hasMessageContaining("--k ");
    }
}
