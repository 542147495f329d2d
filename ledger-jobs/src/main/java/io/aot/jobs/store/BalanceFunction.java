package io.aot.jobs.store;

import java.math.BigInteger;
import java.util.Date;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Keyed by {@code account|currency}: the running balance from the genesis opening balance plus every committed posting,
 * as an upsert row of {@code balances} written {@code USING TIMESTAMP} of its chain position, so a late or replayed
 * write can never overwrite a newer balance (the genesis rows carry timestamp 0).
 * Input: (account, currency, signed delta, height, chain position, block time).
 */
public final class BalanceFunction
        extends KeyedProcessFunction<String, Tuple6<String, String, BigInteger, Long, Long, Long>, Row> {

    private static final long serialVersionUID = 1L;

    /** {@code account|currency} -> opening balance in minor units (decimal text), from the ledger genesis. */
    private final Map<String, String> opening;
    private transient ValueState<BigInteger> balance;

    public BalanceFunction(Map<String, String> opening) {
        this.opening = Map.copyOf(opening);
    }

    @Override
    public void open(OpenContext openContext) {
        balance = getRuntimeContext().getState(new ValueStateDescriptor<>("balance", BigInteger.class));
    }

    @Override
    public void processElement(Tuple6<String, String, BigInteger, Long, Long, Long> p, Context ctx, Collector<Row> out)
            throws Exception {
        BigInteger current = balance.value();
        if (current == null) {
            current = new BigInteger(opening.getOrDefault(ctx.getCurrentKey(), "0"));
        }
        BigInteger next = current.add(p.f2);
        balance.update(next);
        out.collect(Row.of(p.f0, p.f1, next, p.f3, new Date(p.f5), p.f4));
    }
}
