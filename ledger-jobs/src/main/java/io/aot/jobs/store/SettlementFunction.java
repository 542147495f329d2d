package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.TransactionKind;
import java.math.BigInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple5;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Daily settlement: keyed by {@link #key merchant|day|acquirer|currency}, the running payment count and gross, refund
 * count and amount of the committed payments and refunds of that settlement day, emitted as the new totals after each
 * one (an idempotent upsert of {@code daily_settlement_by_merchant} and {@code _by_acquirer}; the totals are
 * checkpointed with the source's height, so a restore recomputes exactly the rows it had written).
 *
 * <p>The settlement day is the Asia/Seoul day a payment was <em>committed</em> (midnight cut-off): block times only
 * grow, so a day's totals stop changing once the chain has passed it, and their state expires two days later. Refused
 * transactions (result code other than OK) and point swaps are not sales. The ledger has no merchant discount rate yet:
 * {@code fee_minor} is 0 and {@code net_minor} = gross - refunds.
 *
 * <p>A merchant's row changes with every sale; it is written at most once per {@code flushEveryChainMs} of chain
 * time, by an event-time timer at the end of the interval of the sale's block time (as {@link BalanceFunction} does).
 */
public final class SettlementFunction extends KeyedProcessFunction<String, CommittedTransaction, Row> {

    private static final long serialVersionUID = 1L;

    /** payment count, gross, refund count, refunds, as-of height. */
    private transient ValueState<Tuple5<Long, BigInteger, Long, BigInteger, Long>> totals;

    /** Null for what is not a settled sale. */
    private final long flushEveryChainMs;

    public SettlementFunction(long flushEveryChainMs) {
        if (flushEveryChainMs < 1) {
            throw new IllegalArgumentException("flushEveryChainMs must be >= 1");
        }
        this.flushEveryChainMs = flushEveryChainMs;
    }

    public static String key(CommittedTransaction t) {
        boolean sale = t.getKind() == TransactionKind.PAYMENT || t.getKind() == TransactionKind.REFUND;
        if (!sale || !"OK".equals(String.valueOf(t.getResultCode())) || t.getMerchantId() == null
                || t.getAcquirerId() == null) {
            return null;
        }
        return t.getMerchantId() + "|" + LedgerTableRows.day(t.getBlockTimeMillis()) + "|" + t.getAcquirerId() + "|"
                + t.getAmount().getCurrency().name();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Tuple5<Long, BigInteger, Long, BigInteger, Long>> d = new ValueStateDescriptor<>("totals",
                Types.TUPLE(Types.LONG, Types.BIG_INT, Types.LONG, Types.BIG_INT, Types.LONG));
        d.enableTimeToLive(StateTtlConfig.newBuilder(java.time.Duration.ofDays(2)).build());
        totals = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(CommittedTransaction t, Context ctx, Collector<Row> out) throws Exception {
        Tuple5<Long, BigInteger, Long, BigInteger, Long> s = totals.value();
        if (s == null) {
            s = Tuple5.of(0L, BigInteger.ZERO, 0L, BigInteger.ZERO, 0L);
        }
        BigInteger amount = t.getAmount().getAmountMinor().toBigIntegerExact();
        if (t.getKind() == TransactionKind.PAYMENT) {
            s = Tuple5.of(s.f0 + 1, s.f1.add(amount), s.f2, s.f3, t.getHeight());
        } else {
            s = Tuple5.of(s.f0, s.f1, s.f2 + 1, s.f3.add(amount), t.getHeight());
        }
        totals.update(s);
        ctx.timerService().registerEventTimeTimer(
                BalanceFunction.endOfInterval(t.getBlockTimeMillis().toEpochMilli(), flushEveryChainMs));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        Tuple5<Long, BigInteger, Long, BigInteger, Long> s = totals.value();
        if (s == null) {
            return; // expired
        }
        String[] k = ctx.getCurrentKey().split("\\|");
        java.time.LocalDate day = java.time.LocalDate.parse(k[1]); // ISO text from key(): zone-free
        // merchant, day, acquirer, currency, payments, gross, refunds, refunded, fee, net, as-of height
        out.collect(Row.of(k[0], day, k[2], k[3], s.f0, s.f1, s.f2, s.f3, BigInteger.ZERO, s.f1.subtract(s.f3), s.f4));
    }
}
