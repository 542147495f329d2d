package io.aot.consensus.engine;

import java.util.Arrays;

/**
 * Double-sign protection (CometBFT's "privval" last-sign state): a validator signs at most one message per
 * height/round/step, and never for a step before the last one it signed. The state is persisted through
 * {@link Store} before the signature is released, so a crash between signing and sending cannot lead to a conflicting
 * signature after restart; asked for the identical message again, the guard returns the same signature.
 */
public final class SignerGuard {

    /** Step order within a round: proposal, prevote, precommit. */
    public static final int PROPOSAL = 1;
    public static final int PREVOTE = 2;
    public static final int PRECOMMIT = 3;

    /** The last thing signed; persisted before its signature leaves. */
    public record LastSigned(long height, int round, int step, byte[] signBytes, byte[] signature) {
    }

    /** Durable storage of the last signed state (a file with fsync in the node, memory in simulations). */
    public interface Store {
        LastSigned load();

        void save(LastSigned state);
    }

    /** Signs bytes with the validator's private key. */
    public interface Signer {
        byte[] sign(byte[] message);
    }

    private final Signer signer;
    private final Store store;
    private LastSigned last;

    public SignerGuard(Signer signer, Store store) {
        this.signer = signer;
        this.store = store;
        this.last = store.load();
    }

    /** What this validator signed last (durable), or null: at a restart, the vote it may not have sent yet. */
    public LastSigned lastSigned() {
        return last;
    }

    /** The signature, or null if signing would conflict with what was signed before. */
    public byte[] sign(long height, int round, int step, byte[] signBytes) {
        if (last != null) {
            int cmp = compare(height, round, step, last);
            if (cmp < 0) {
                return null;
            }
            if (cmp == 0) {
                return Arrays.equals(signBytes, last.signBytes()) ? last.signature().clone() : null;
            }
        }
        byte[] signature = signer.sign(signBytes);
        LastSigned next = new LastSigned(height, round, step, signBytes.clone(), signature.clone());
        store.save(next);
        last = next;
        return signature;
    }

    private static int compare(long height, int round, int step, LastSigned last) {
        if (height != last.height()) {
            return Long.compare(height, last.height());
        }
        if (round != last.round()) {
            return Integer.compare(round, last.round());
        }
        return Integer.compare(step, last.step());
    }
}
