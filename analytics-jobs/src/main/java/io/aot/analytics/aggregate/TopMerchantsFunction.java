package io.aot.analytics.aggregate;

import io.aot.analytics.model.MarketEvent;
import io.aot.analytics.model.MarketTime;
import io.aot.analytics.store.AnalyticsTables;
import io.aot.jobs.cassandra.CassandraTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Top-K merchants of a region (or category) per Seoul day by KRW payment gross, exact: the group's per-merchant
 * totals are keyed state, and each flush ranks them (gross descending, then merchant id) and upserts ranks 1..K. A
 * merchant's gross only grows within a day, so a rank row is always overwritten, never left stale.
 */
public final class TopMerchantsFunction extends UpsertWindowFunction<Fact> {

    private static final long serialVersionUID = 1L;

    /** What the merchants are grouped by. Facts: {@code [group, merchantId, the other dimension]}, KRW amount. */
    public enum Ranking {
        BY_REGION(AnalyticsTables.TOP_MERCHANTS_BY_REGION_DAY),
        BY_CATEGORY(AnalyticsTables.TOP_MERCHANTS_BY_CATEGORY_DAY);

        private final CassandraTable table;

        Ranking(CassandraTable table) {
            this.table = table;
        }

        public CassandraTable table() {
            return table;
        }

        public List<Fact> facts(MarketEvent e) {
            if (!AggregateShape.payment(e) || !"KRW".equals(e.currency)) {
                return List.of();
            }
            return List.of(this == BY_REGION
                    ? Fact.of(e.eventTimeMillis, e.txId, e.region, e.merchantId, e.merchantCategory)
                            .amounts(e.amountMinor, java.math.BigInteger.ZERO)
                    : Fact.of(e.eventTimeMillis, e.txId, e.merchantCategory, e.merchantId, e.region)
                            .amounts(e.amountMinor, java.math.BigInteger.ZERO));
        }

        public String key(Fact f) {
            return f.dims[0] + "|" + MarketTime.DAY.start(f.eventTimeMillis);
        }
    }

    private final Ranking ranking;
    private final int k;
    private transient MapState<String, Totals> merchants;

    public TopMerchantsFunction(Ranking ranking, int k, long allowedLatenessMs, long flushEveryMs) {
        super(allowedLatenessMs, flushEveryMs, TotalsFunction.TOO_LATE);
        if (k < 1 || k > 1_000) {
            throw new IllegalArgumentException("k within 1..1000: " + k);
        }
        this.ranking = ranking;
        this.k = k;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        merchants = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("merchants", Types.STRING, TypeInformation.of(Totals.class)));
    }

    @Override
    protected long windowEnd(Fact f) {
        return MarketTime.DAY.end(f.eventTimeMillis);
    }

    @Override
    protected void add(Fact f) throws Exception {
        Totals t = merchants.get(f.dims[1]);
        if (t == null) {
            t = new Totals();
            t.dims = f.dims;
            t.windowStartMillis = MarketTime.DAY.start(f.eventTimeMillis);
        }
        t.count++;
        t.amount = t.amount.add(f.amount);
        merchants.put(f.dims[1], t);
    }

    @Override
    protected void emit(Collector<Row> out) throws Exception {
        List<Totals> all = new ArrayList<>();
        for (Map.Entry<String, Totals> e : merchants.entries()) {
            all.add(e.getValue());
        }
        all.sort(Comparator.comparing((Totals t) -> t.amount).reversed().thenComparing(t -> t.dims[1]));
        for (int rank = 1; rank <= Math.min(k, all.size()); rank++) {
            Totals t = all.get(rank - 1);
            out.collect(Row.of(t.dims[0], MarketTime.day(t.windowStartMillis), rank, t.dims[1], t.dims[2], t.amount,
                    t.count));
        }
    }

    @Override
    protected void clearWindow() {
        merchants.clear();
    }
}
