package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SignerGuardTest {

    private final AtomicReference<SignerGuard.LastSigned> disk = new AtomicReference<>();
    private final SignerGuard.Store store = new SignerGuard.Store() {
        @Override
        public SignerGuard.LastSigned load() {
            return disk.get();
        }

        @Override
        public void save(SignerGuard.LastSigned state) {
            disk.set(state);
        }
    };
    private final SignerGuard.Signer signer = message -> new byte[] {(byte) message.length, message[0]};

    @Test
    void signsOncePerStepAndNeverGoesBackwards() {
        SignerGuard guard = new SignerGuard(signer, store);
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};

        assertThat(guard.sign(5, 0, SignerGuard.PREVOTE, a)).isNotNull();
        assertThat(guard.sign(5, 0, SignerGuard.PREVOTE, a)).as("same message again: same signature").isNotNull();
        assertThat(guard.sign(5, 0, SignerGuard.PREVOTE, b)).as("conflicting prevote").isNull();
        assertThat(guard.sign(5, 0, SignerGuard.PROPOSAL, b)).as("earlier step").isNull();
        assertThat(guard.sign(4, 9, SignerGuard.PRECOMMIT, b)).as("earlier height").isNull();
        assertThat(guard.sign(5, 0, SignerGuard.PRECOMMIT, b)).isNotNull();
        assertThat(guard.sign(5, 1, SignerGuard.PREVOTE, a)).isNotNull();
    }

    @Test
    void theGuardSurvivesARestart() {
        new SignerGuard(signer, store).sign(7, 2, SignerGuard.PRECOMMIT, new byte[] {1});
        SignerGuard restarted = new SignerGuard(signer, store);

        assertThat(restarted.sign(7, 2, SignerGuard.PRECOMMIT, new byte[] {2})).isNull();
        assertThat(restarted.sign(7, 2, SignerGuard.PRECOMMIT, new byte[] {1})).isNotNull();
        assertThat(restarted.sign(7, 3, SignerGuard.PREVOTE, new byte[] {2})).isNotNull();
    }
}
