package io.aot.consensus.flink.source;

/**
 * One transaction of a committed block, as {@link BlockSource} emits it: where it sits in the chain, the validators'
 * result for it, and its bytes. Before a block's transactions comes one <em>block record</em> ({@code index ==}
 * {@link #BLOCK_RECORD}): the block's header and commit certificate, wire-encoded, so that empty blocks and the
 * certificates reach the readers too. A Flink POJO.
 */
public class CommittedTx {
    public static final int BLOCK_RECORD = -1;

    public long height;
    public int index;
    public int blockTxCount;
    public String blockHashHex;
    public long blockTimeMillis;
    public String resultCode;
    /** The application's events for it: for the ledger, {@code transfer|from|to|asset|amount} per posting pair. */
    public String[] events;
    public byte[] tx;
    /** Block records only: {@code WireCodec.writeHeader} / {@code writeCertificate} encodings. */
    public byte[] headerBytes;
    public byte[] certificateBytes;

    public CommittedTx() {
    }

    public CommittedTx(long height, int index, int blockTxCount, String blockHashHex, long blockTimeMillis,
            String resultCode, String[] events, byte[] tx) {
        this.height = height;
        this.index = index;
        this.blockTxCount = blockTxCount;
        this.blockHashHex = blockHashHex;
        this.blockTimeMillis = blockTimeMillis;
        this.resultCode = resultCode;
        this.events = events;
        this.tx = tx;
    }

    public static CommittedTx blockRecord(long height, int txCount, String blockHashHex, long blockTimeMillis,
            byte[] headerBytes, byte[] certificateBytes) {
        CommittedTx b = new CommittedTx(height, BLOCK_RECORD, txCount, blockHashHex, blockTimeMillis, null, null, null);
        b.headerBytes = headerBytes;
        b.certificateBytes = certificateBytes;
        return b;
    }

    public boolean blockRecord() {
        return index == BLOCK_RECORD;
    }
}
