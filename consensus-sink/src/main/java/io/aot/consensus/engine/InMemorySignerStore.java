package io.aot.consensus.engine;

/**
 * The signer guard's last-signed state in memory: simulations (where it stands for the file that survives a crash,
 * so a restarted node gets the same instance back) and tests.
 */
public final class InMemorySignerStore implements SignerGuard.Store {

    private SignerGuard.LastSigned last;

    @Override
    public SignerGuard.LastSigned load() {
        return last;
    }

    @Override
    public void save(SignerGuard.LastSigned state) {
        last = state;
    }
}
