package io.aot.analytics.aggregate;

import io.aot.analytics.model.MarketEvent;
import io.aot.analytics.model.MarketTime;
import io.aot.analytics.store.AnalyticsTables;
import io.aot.jobs.cassandra.CassandraTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.flink.types.Row;

/**
 * Every windowed aggregate the analytics write: which facts a committed transaction contributes (only OK outcomes
 * count: a refused transaction moved no money), the event-time window, the table and its row. Sales are payments;
 * refunds count against the refunding merchant's window of the refund's own time.
 */
public enum AggregateShape {
    MERCHANT_SALES_HOURLY(MarketTime.HOUR, AnalyticsTables.MERCHANT_SALES_HOURLY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            return merchantSale(e, e.merchantId, e.currency);
        }

        @Override
        public Row row(Totals t) {
            return Row.of(t.dims[0], MarketTime.day(t.windowStartMillis), new Date(t.windowStartMillis), t.dims[1],
                    t.count, t.amount, t.refundCount, t.refundAmount, t.uniqueCustomers, t.average());
        }
    },
    MERCHANT_SALES_DAILY(MarketTime.DAY, AnalyticsTables.MERCHANT_SALES_DAILY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            return merchantSale(e, e.merchantId, e.currency, e.merchantCategory, e.region);
        }

        @Override
        public Row row(Totals t) {
            return Row.of(t.dims[0], MarketTime.day(t.windowStartMillis), t.dims[1], t.dims[2], t.dims[3], t.count,
                    t.amount, t.refundCount, t.refundAmount, t.uniqueCustomers, t.average());
        }
    },
    CATEGORY_REGION_HOURLY(MarketTime.HOUR, AnalyticsTables.CATEGORY_REGION_HOURLY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            return payment(e) ? List.of(sale(e, e.merchantCategory, e.region, e.currency)) : List.of();
        }

        @Override
        public Row row(Totals t) {
            return Row.of(t.dims[0], t.dims[1], MarketTime.day(t.windowStartMillis), new Date(t.windowStartMillis),
                    t.dims[2], t.count, t.amount, t.uniqueCustomers);
        }
    },
    CATEGORY_REGION_DAILY(MarketTime.DAY, AnalyticsTables.CATEGORY_REGION_DAILY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            return payment(e) ? List.of(sale(e, e.merchantCategory, e.region, e.currency)) : List.of();
        }

        @Override
        public Row row(Totals t) {
            return Row.of(MarketTime.day(t.windowStartMillis), t.dims[0], t.dims[1], t.dims[2], t.count, t.amount,
                    t.uniqueCustomers);
        }
    },
    /** Count of payments per method and wallet; the KRW amount only (coin payments count, at KRW 0). */
    METHOD_SHARE_DAILY(MarketTime.DAY, AnalyticsTables.METHOD_SHARE_DAILY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            if (!payment(e)) {
                return List.of();
            }
            return List.of(Fact.of(e.eventTimeMillis, e.txId, e.region, e.method, e.walletProvider)
                    .amounts(krw(e), BigInteger.ZERO));
        }

        @Override
        public Row row(Totals t) {
            return Row.of(t.dims[0], MarketTime.day(t.windowStartMillis), t.dims[1], t.dims[2], t.count, t.amount);
        }
    },
    /** AOT moved per flow: coin payments, point swaps, rewards, fee-delegation fees, chain transfers. */
    TOKEN_FLOW_DAILY(MarketTime.DAY, AnalyticsTables.TOKEN_FLOW_DAILY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            if (!e.ok()) {
                return List.of();
            }
            List<Fact> out = new ArrayList<>(2);
            if (e.is("PAYMENT") && "AOT".equals(e.currency)) {
                out.add(flow(e, "COIN_PAYMENT", e.amountMinor));
            }
            if (e.swapAotMinor.signum() > 0) {
                out.add(flow(e, "POINT_SWAP", e.swapAotMinor));
            }
            if (e.rewardAotMinor.signum() > 0) {
                out.add(flow(e, "REWARD", e.rewardAotMinor));
            }
            if (e.is("CHAIN_TRANSFER")) {
                out.add(flow(e, "CHAIN_TRANSFER", e.amountMinor));
            }
            if (e.feeAotMinor.signum() > 0) {
                out.add(flow(e, "FEE_DELEGATION", e.feeAotMinor));
            }
            return out;
        }

        @Override
        public Row row(Totals t) {
            return Row.of(MarketTime.day(t.windowStartMillis), t.dims[0], t.count, t.amount);
        }
    },
    POINT_SWAPS_DAILY(MarketTime.DAY, AnalyticsTables.POINT_SWAPS_DAILY) {
        @Override
        public List<Fact> facts(MarketEvent e) {
            if (!e.ok() || !e.is("POINT_SWAP") || e.pointCompanyId == null) {
                return List.of();
            }
            return List.of(Fact.of(e.eventTimeMillis, e.txId, e.pointCompanyId).amounts(e.amountMinor, e.swapAotMinor));
        }

        @Override
        public Row row(Totals t) {
            return Row.of(MarketTime.day(t.windowStartMillis), t.dims[0], t.count, t.amount, t.amount2);
        }
    };

    private final MarketTime window;
    private final CassandraTable table;

    AggregateShape(MarketTime window, CassandraTable table) {
        this.window = window;
        this.table = table;
    }

    public MarketTime window() {
        return window;
    }

    public CassandraTable table() {
        return table;
    }

    /** What {@code e} adds to this aggregate: usually one fact or none. */
    public abstract List<Fact> facts(MarketEvent e);

    /** The table row of a window's totals. */
    public abstract Row row(Totals t);

    /** The keyed state's key: the row's dimensions and window. */
    public String key(Fact f) {
        return String.join("|", f.dims) + "|" + window.start(f.eventTimeMillis);
    }

    static boolean payment(MarketEvent e) {
        return e.ok() && e.is("PAYMENT") && e.merchantId != null;
    }

    private static List<Fact> merchantSale(MarketEvent e, String... dims) {
        if (payment(e)) {
            return List.of(sale(e, dims));
        }
        if (e.ok() && e.is("REFUND") && e.merchantId != null) {
            Fact f = Fact.of(e.eventTimeMillis, e.txId, dims).amounts(e.amountMinor, BigInteger.ZERO);
            f.refund = true;
            return List.of(f);
        }
        return List.of();
    }

    private static Fact sale(MarketEvent e, String... dims) {
        Fact f = Fact.of(e.eventTimeMillis, e.txId, dims).amounts(e.amountMinor, BigInteger.ZERO);
        f.customer = e.customer;
        return f;
    }

    private static Fact flow(MarketEvent e, String flow, BigInteger aot) {
        return Fact.of(e.eventTimeMillis, e.txId, flow).amounts(aot, BigInteger.ZERO);
    }

    static BigInteger krw(MarketEvent e) {
        return "KRW".equals(e.currency) ? e.amountMinor : BigInteger.ZERO;
    }
}
