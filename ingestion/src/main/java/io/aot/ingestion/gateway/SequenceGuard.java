package io.aot.ingestion.gateway;

import java.util.HashMap;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's replay guard: which sequence numbers each terminal has used recently. A sequence is reserved while its
 * payment is being written to Kafka, kept once Kafka acknowledged it and released if Kafka did not, so a terminal may
 * retry what got a 503. A sequence may be reused by nobody: the same payment again is {@code ALREADY_ACCEPTED} (the
 * terminal's retry after a lost answer; nothing is written twice), anything else {@code SEQUENCE_REUSED}.
 *
 * <p>Memory is bounded: per terminal a window of the last {@code windowSize} sequences (older ones are refused as
 * {@code SEQUENCE_TOO_OLD}), at most {@code maxTerminals} terminals (beyond, an arbitrary one is forgotten). This is the
 * fast answer at the edge, not the authority: a gateway restart or a second gateway forgets, and the ingest job's
 * keyed dedupe (per tx id, checkpointed) is what keeps a replay out of the ledger.
 */
public final class SequenceGuard {

    /** The payment a sequence was used for: its tx id and a digest of its signed bytes. */
    private record Slot(String txId, int digest, boolean acknowledged) {
    }

    private static final class TerminalWindow {
        long highest;
        final HashMap<Long, Slot> slots = new HashMap<>();
    }

    private final int windowSize;
    private final int maxTerminals;
    private final ConcurrentHashMap<String, TerminalWindow> terminals = new ConcurrentHashMap<>();

    public SequenceGuard(int windowSize, int maxTerminals) {
        if (windowSize < 1 || maxTerminals < 1) {
            throw new IllegalArgumentException("windowSize and maxTerminals must be >= 1");
        }
        this.windowSize = windowSize;
        this.maxTerminals = maxTerminals;
    }

    /** Reserves {@code sequence} for this payment, or throws the 409 that says why it may not have it. */
    public void reserve(String terminalId, long sequence, String txId, int digest) {
        if (terminals.size() >= maxTerminals && !terminals.containsKey(terminalId)) {
            Iterator<String> any = terminals.keySet().iterator();
            if (any.hasNext()) {
                terminals.remove(any.next());
            }
        }
        TerminalWindow w = terminals.computeIfAbsent(terminalId, k -> new TerminalWindow());
        synchronized (w) {
            if (sequence <= w.highest - windowSize) {
                throw conflict("SEQUENCE_TOO_OLD", "sequence " + sequence + " is older than the last " + windowSize
                        + " of terminal " + terminalId, null);
            }
            Slot used = w.slots.get(sequence);
            if (used != null) {
                boolean same = used.txId().equals(txId) && used.digest() == digest;
                if (same && used.acknowledged()) {
                    throw conflict("ALREADY_ACCEPTED", "this payment was already accepted", txId);
                }
                if (same) {
                    throw conflict("IN_FLIGHT", "this payment is being written; retry later", txId);
                }
                throw conflict("SEQUENCE_REUSED", "sequence " + sequence + " of terminal " + terminalId
                        + " was already used by another payment", null);
            }
            w.slots.put(sequence, new Slot(txId, digest, false));
            w.highest = Math.max(w.highest, sequence);
            if (w.slots.size() > 2 * windowSize) {
                long floor = w.highest - windowSize;
                w.slots.keySet().removeIf(s -> s <= floor);
            }
        }
    }

    /** Kafka acknowledged the payment: its sequence stays used. */
    public void acknowledged(String terminalId, long sequence) {
        TerminalWindow w = terminals.get(terminalId);
        if (w != null) {
            synchronized (w) {
                w.slots.computeIfPresent(sequence, (s, slot) -> new Slot(slot.txId(), slot.digest(), true));
            }
        }
    }

    /** Kafka did not take the payment: the terminal may send it again. */
    public void release(String terminalId, long sequence) {
        TerminalWindow w = terminals.get(terminalId);
        if (w != null) {
            synchronized (w) {
                w.slots.remove(sequence);
            }
        }
    }

    public int trackedTerminals() {
        return terminals.size();
    }

    private static GatewayError conflict(String code, String message, String txId) {
        return new GatewayError(409, code, message, txId);
    }

    /** For tests: the number of sequences remembered for one terminal. */
    int remembered(String terminalId) {
        TerminalWindow w = terminals.get(terminalId);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            return w.slots.size();
        }
    }
}
