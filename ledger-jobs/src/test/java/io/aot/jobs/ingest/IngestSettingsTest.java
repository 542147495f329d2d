package io.aot.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Program arguments become settings; what is required says so, and bad values fail at submission. */
class IngestSettingsTest {

    private static final String SEED = "00".repeat(32);

    @Test
    void defaultsFitTheLocalStackAndArgumentsOverrideThem() {
        IngestSettings s = IngestSettings.fromArgs(new String[] {"--chain-id", "c1", "--validators",
            "127.0.0.1:1, 127.0.0.1:2", "--endorser-seed-hex", SEED, "--max-gap-hold-ms", "250", "--parallelism", "3"});
        assertThat(s.validators()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        assertThat(s.terminalTopic()).isEqualTo("aot.terminal.tx.v1");
        assertThat(s.rejectedTopic()).isEqualTo("aot.tx.rejected.v1");
        assertThat(s.maxGapHoldMs()).isEqualTo(250);
        assertThat(s.parallelism()).isEqualTo(3);
        assertThat(s.dedupeTtl()).isEqualTo(Duration.ofHours(48));
    }

    @Test
    void missingOrBadArgumentsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> IngestSettings.fromArgs(new String[] {"--validators", "h:1", "--endorser-seed-hex",
            SEED})).hasMessageContaining("chain-id");
        assertThatThrownBy(() -> IngestSettings.fromArgs(new String[] {"--chain-id", "c", "--validators", "h:1"}))
                .hasMessageContaining("endorser-key");
        assertThatThrownBy(() -> IngestSettings.fromArgs(new String[] {"--chain-id", "c", "--validators", "h:1",
            "--endorser-seed-hex", SEED, "--limits", "KRW=-5"})).hasMessageContaining("negative limit");
    }

    /** Issue #18 item 2: a mistyped option is refused, naming it and the known ones (it was silently ignored). */
    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> IngestSettings.fromArgs(new String[] {"--chain-id", "c", "--validators", "h:1",
            "--endorser-seed-hex", SEED, "--cassandra-consistancy", "QUORUM"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LedgerIngestJob: unknown option --cassandra-consistancy; known: ")
                .hasMessageContaining("--cassandra-consistency").hasMessageContaining("--endorser-key");
    }
}
