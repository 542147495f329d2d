package io.aot.jobs.ingest.model;

/**
 * A transaction that passed decoding and validation, on its way to consensus: its id (the dedupe key), the key that
 * orders it (the terminal, or the chain sender for chain transfers), its sequence within that key, and the original
 * Avro bytes, which are what the validators execute and the blocks keep (device signature included, for audit).
 */
public class LedgerTx {
    /** Chain transfers carry no terminal sequence: they pass the ordering step as they come. */
    public static final long UNSEQUENCED = -1;

    public String txId;
    public String orderKey;
    public long sequence;
    public byte[] bytes;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    public LedgerTx() {
    }

    public LedgerTx(String txId, String orderKey, long sequence, byte[] bytes, SourceRecord source) {
        this.txId = txId;
        this.orderKey = orderKey;
        this.sequence = sequence;
        this.bytes = bytes;
        this.sourceTopic = source.topic;
        this.sourcePartition = source.partition;
        this.sourceOffset = source.offset;
    }

    public boolean sequenced() {
        return sequence != UNSEQUENCED;
    }
}
