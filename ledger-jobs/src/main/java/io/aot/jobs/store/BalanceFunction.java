package io.aot.jobs.store;

import java.math.BigInteger;
import java.util.Date;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Keyed by {@code account|currency}: the running balance from the genesis opening balance plus every committed posting,
 * as an upsert row of {@code balances} written {@code USING TIMESTAMP} of its chain position
 * ({@link ChainWriteTimestamps}: ordered by position and at block time, so a late or replayed write never overwrites a
 * newer balance, and an operator's write in cqlsh does not shadow the chain's later ones).
 * Input: (account, currency, signed delta, height, write timestamp in us, block time in ms).
 *
 * <p>The row is written at most once per {@code flushEveryChainMs} of chain time: a busy account (a merchant's, the
 * fee account) takes many postings per second, and only the last balance of each interval is worth a write. An
 * event-time timer at the end of the interval the posting's block time falls in writes the balance as of then; chain
 * time advances with every block (empty ones too), and the end of a bounded chain fires every timer. Each row written
 * is the balance as of the chain position it carries, so whichever rows a replay after a restore writes, the newest
 * position wins and the table ends equal to the ledger.
 */
public final class BalanceFunction
        extends KeyedProcessFunction<String, Tuple6<String, String, BigInteger, Long, Long, Long>, Row> {

    private static final long serialVersionUID = 1L;

    /** {@code account|currency} -> opening balance in minor units (decimal text), from the ledger genesis. */
    private final Map<String, String> opening;
    private final long flushEveryChainMs;
    private transient ValueState<BigInteger> balance;
    /** The last posting not yet written: (height, write timestamp in us, block time); null when the row is up to date. */
    private transient ValueState<Tuple3<Long, Long, Long>> unwritten;

    public BalanceFunction(Map<String, String> opening, long flushEveryChainMs) {
        if (flushEveryChainMs < 1) {
            throw new IllegalArgumentException("flushEveryChainMs must be >= 1");
        }
        this.opening = Map.copyOf(opening);
        this.flushEveryChainMs = flushEveryChainMs;
    }

    @Override
    public void open(OpenContext openContext) {
        balance = getRuntimeContext().getState(new ValueStateDescriptor<>("balance", BigInteger.class));
        unwritten = getRuntimeContext().getState(new ValueStateDescriptor<>("unwritten",
                Types.TUPLE(Types.LONG, Types.LONG, Types.LONG)));
    }

    @Override
    public void processElement(Tuple6<String, String, BigInteger, Long, Long, Long> p, Context ctx, Collector<Row> out)
            throws Exception {
        BigInteger current = balance.value();
        if (current == null) {
            current = new BigInteger(opening.getOrDefault(ctx.getCurrentKey(), "0"));
        }
        balance.update(current.add(p.f2));
        unwritten.update(Tuple3.of(p.f3, p.f4, p.f5));
        ctx.timerService().registerEventTimeTimer(endOfInterval(p.f5, flushEveryChainMs));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        Tuple3<Long, Long, Long> last = unwritten.value();
        if (last == null) {
            return;
        }
        String key = ctx.getCurrentKey();
        int bar = key.lastIndexOf('|');
        out.collect(Row.of(key.substring(0, bar), key.substring(bar + 1), balance.value(), last.f0, new Date(last.f2),
                last.f1));
        unwritten.clear();
    }

    /** The last millisecond of the {@code intervalMs} interval of chain time that {@code blockTimeMillis} is in. */
    static long endOfInterval(long blockTimeMillis, long intervalMs) {
        return Math.floorDiv(blockTimeMillis, intervalMs) * intervalMs + intervalMs - 1;
    }
}
