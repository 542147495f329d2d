package io.aot.analytics.store;

import io.aot.jobs.cassandra.CassandraTable;
import java.util.Date;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** The {@code aot_analytics} tables the jobs write (DDL: schemas' aot_analytics.cql), one per analyst question. */
public final class AnalyticsTables {

    private AnalyticsTables() {
    }

    /** Days travel zone-free (java.sql.Date would travel as midnight in the producing JVM's default zone). */
    static final TypeInformation<java.time.LocalDate> DAY = Types.LOCAL_DATE;
    static final TypeInformation<Date> TS = TypeInformation.of(Date.class);
    static final TypeInformation<List<String>> TEXT_LIST = Types.LIST(Types.STRING);

    public static final CassandraTable MERCHANT_SALES_HOURLY = new CassandraTable("merchant_sales_hourly",
            "merchant_id, day, hour, currency, payment_count, gross_minor, refund_count, refund_minor, unique_customers, "
                    + "avg_ticket_minor",
            new TypeInformation<?>[] {Types.STRING, DAY, TS, Types.STRING, Types.LONG, Types.BIG_INT, Types.LONG,
                Types.BIG_INT, Types.LONG, Types.BIG_INT});

    public static final CassandraTable MERCHANT_SALES_DAILY = new CassandraTable("merchant_sales_daily",
            "merchant_id, day, currency, merchant_category, region, payment_count, gross_minor, refund_count, "
                    + "refund_minor, unique_customers, avg_ticket_minor",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.STRING, Types.STRING, Types.STRING, Types.LONG,
                Types.BIG_INT, Types.LONG, Types.BIG_INT, Types.LONG, Types.BIG_INT});

    public static final CassandraTable CATEGORY_REGION_HOURLY = new CassandraTable("category_region_hourly",
            "merchant_category, region, day, hour, currency, payment_count, gross_minor, unique_customers",
            new TypeInformation<?>[] {Types.STRING, Types.STRING, DAY, TS, Types.STRING, Types.LONG, Types.BIG_INT,
                Types.LONG});

    public static final CassandraTable CATEGORY_REGION_DAILY = new CassandraTable("category_region_daily",
            "day, merchant_category, region, currency, payment_count, gross_minor, unique_customers",
            new TypeInformation<?>[] {DAY, Types.STRING, Types.STRING, Types.STRING, Types.LONG, Types.BIG_INT,
                Types.LONG});

    public static final CassandraTable METHOD_SHARE_DAILY = new CassandraTable("method_share_daily",
            "region, day, method, wallet_provider, payment_count, gross_krw",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.STRING, Types.STRING, Types.LONG, Types.BIG_INT});

    public static final CassandraTable TOKEN_FLOW_DAILY = new CassandraTable("token_flow_daily",
            "day, flow, tx_count, aot_minor",
            new TypeInformation<?>[] {DAY, Types.STRING, Types.LONG, Types.BIG_INT});

    public static final CassandraTable POINT_SWAPS_DAILY = new CassandraTable("point_swaps_daily",
            "day, point_company_id, swap_count, points_minor, aot_minor",
            new TypeInformation<?>[] {DAY, Types.STRING, Types.LONG, Types.BIG_INT, Types.BIG_INT});

    public static final CassandraTable TOP_MERCHANTS_BY_REGION_DAY = new CassandraTable("top_merchants_by_region_day",
            "region, day, rank, merchant_id, merchant_category, gross_krw, payment_count",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.INT, Types.STRING, Types.STRING, Types.BIG_INT,
                Types.LONG});

    public static final CassandraTable TOP_MERCHANTS_BY_CATEGORY_DAY = new CassandraTable(
            "top_merchants_by_category_day",
            "merchant_category, day, rank, merchant_id, region, gross_krw, payment_count",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.INT, Types.STRING, Types.STRING, Types.BIG_INT,
                Types.LONG});

    public static final CassandraTable ALERTS = new CassandraTable("alerts",
            "day, hour, raised_at, alert_id, rule, subject_type, subject_id, severity, observed, threshold, tx_ids",
            new TypeInformation<?>[] {DAY, Types.INT, TS, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING,
                Types.STRING, Types.STRING, TEXT_LIST});
}
