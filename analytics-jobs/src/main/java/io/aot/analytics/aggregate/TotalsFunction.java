package io.aot.analytics.aggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sums the facts of one {@link AggregateShape} row: payments, refunds and exact unique customers (the window's set of
 * customer pseudonyms is keyed state; a merchant-day holds thousands at most, so no sketch is needed).
 */
public final class TotalsFunction extends UpsertWindowFunction<Fact> {

    private static final long serialVersionUID = 1L;
    public static final OutputTag<Fact> TOO_LATE = new OutputTag<>("too-late-facts", TypeInformation.of(Fact.class));

    private final AggregateShape shape;
    private transient ValueState<Totals> totals;
    private transient MapState<String, Boolean> customers;

    public TotalsFunction(AggregateShape shape, long allowedLatenessMs, long flushEveryMs) {
        super(allowedLatenessMs, flushEveryMs, TOO_LATE);
        this.shape = shape;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("totals", Totals.class));
        customers = getRuntimeContext().getMapState(new MapStateDescriptor<>("customers", Types.STRING, Types.BOOLEAN));
    }

    @Override
    protected long windowEnd(Fact f) {
        return shape.window().end(f.eventTimeMillis);
    }

    @Override
    protected void add(Fact f) throws Exception {
        Totals t = totals.value();
        if (t == null) {
            t = new Totals();
            t.dims = f.dims;
            t.windowStartMillis = shape.window().start(f.eventTimeMillis);
        }
        if (f.refund) {
            t.refundCount++;
            t.refundAmount = t.refundAmount.add(f.amount);
        } else {
            t.count++;
            t.amount = t.amount.add(f.amount);
            t.amount2 = t.amount2.add(f.amount2);
            if (f.customer != null && !customers.contains(f.customer)) {
                customers.put(f.customer, Boolean.TRUE);
                t.uniqueCustomers++;
            }
        }
        totals.update(t);
    }

    @Override
    protected void emit(Collector<Row> out) throws Exception {
        Totals t = totals.value();
        if (t != null) {
            out.collect(shape.row(t));
        }
    }

    @Override
    protected void clearWindow() {
        totals.clear();
        customers.clear();
    }
}
