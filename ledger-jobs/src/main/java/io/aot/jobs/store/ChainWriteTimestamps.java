package io.aot.jobs.store;

import java.io.Serializable;

/**
 * Cassandra write timestamps (microseconds since the epoch, {@code USING TIMESTAMP}) for rows that must end as of the
 * newest chain position whatever order their writes land in (a replay after a restore rewrites older rows). Cassandra
 * keeps, per cell, the write with the largest timestamp (a tie goes to the larger value; a tombstone wins a tie), so the
 * timestamps must
 * <ul>
 * <li>order by chain position (height, index in block, posting leg) and be unique per position, and</li>
 * <li>sit at or above wall-clock time, so that an operator's write in cqlsh (current time) does not shadow the chain's
 * later writes forever, as timestamps near 10^10 us (January 1970) did.</li>
 * </ul>
 * Rule: block {@code h} gets a base {@code base(h) = max(blockTime(h) in us, base(h') + slotsUsed(h'))}, {@code h'} the
 * previous block with transactions; a position's timestamp is {@code base(h) + index * MAX_LEGS + leg}. Slots within a
 * block are distinct and below the next block's base, so timestamps are unique and increase along the chain. They equal
 * block time (within a millisecond) as long as the chain uses fewer than one slot per microsecond: {@code MAX_LEGS} = 64
 * slots per transaction leave room for 15,625 tx/s sustained, above the 10,000 tx/s design rate; beyond that they run
 * ahead of block time (still ordered and unique). Block times strictly increase (BFT time), so the bound is the only
 * thing that could make them collide, and the {@code max} above takes it away.
 *
 * <p>The state (last height, its base and slots used) follows the chain in order: one instance per chain, at
 * parallelism 1, checkpointed with the source's height, so a restore continues with the same timestamps.
 */
public final class ChainWriteTimestamps implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Posting legs per transaction the timestamps leave room for (a transaction has 2 to 6). */
    public static final int MAX_LEGS = 64;

    private long height = -1;
    private long baseMicros;
    private long slotsUsed;

    public ChainWriteTimestamps() {
    }

    /** Restores the state saved by {@link #state()}. */
    public static ChainWriteTimestamps of(long[] state) {
        ChainWriteTimestamps t = new ChainWriteTimestamps();
        t.height = state[0];
        t.baseMicros = state[1];
        t.slotsUsed = state[2];
        return t;
    }

    /** (height, base in us, slots used) of the last block seen. */
    public long[] state() {
        return new long[] {height, baseMicros, slotsUsed};
    }

    /**
     * The write timestamp in microseconds of posting {@code leg} of transaction {@code index} in block {@code height};
     * calls come in chain order.
     *
     * @throws IllegalArgumentException for a leg at or above {@link #MAX_LEGS} or a height below the last one
     */
    public long micros(long height, long blockTimeMillis, int index, int leg) {
        if (leg < 0 || leg >= MAX_LEGS || index < 0) {
            throw new IllegalArgumentException("position " + height + "/" + index + "/" + leg + " out of range (legs < "
                    + MAX_LEGS + ")");
        }
        if (height < this.height) {
            throw new IllegalArgumentException("height " + height + " after " + this.height + ": not in chain order");
        }
        if (height > this.height) {
            baseMicros = Math.max(Math.multiplyExact(blockTimeMillis, 1_000L), baseMicros + slotsUsed);
            slotsUsed = 0;
            this.height = height;
        }
        long slot = (long) index * MAX_LEGS + leg;
        slotsUsed = Math.max(slotsUsed, slot + 1);
        return baseMicros + slot;
    }

    /** The timestamp of the genesis (opening) balances: just below block 1, so every chain write wins over them. */
    public static long genesisMicros(long firstBlockTimeMillis) {
        return firstBlockTimeMillis * 1_000L - 1;
    }
}
