package io.aot.consensus.flink.source;

/**
 * One transaction of a committed block, as {@link BlockSource} emits it: where it sits in the chain, the validators'
 * result for it, and its bytes. A Flink POJO. An empty block emits nothing (its height still advances).
 */
public class CommittedTx {
    public long height;
    public int index;
    public int blockTxCount;
    public String blockHashHex;
    public long blockTimeMillis;
    public String resultCode;
    /** The application's events for it: for the ledger, {@code transfer|from|to|asset|amount} per posting pair. */
    public String[] events;
    public byte[] tx;

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
}
