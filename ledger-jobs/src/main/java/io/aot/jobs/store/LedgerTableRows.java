package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Posting;
import io.aot.jobs.cassandra.CassandraTable;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.consensus.types.BlockHeader;
import io.aot.schemas.serde.AvroCodec;
import java.io.Serializable;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.Row;

/**
 * The rows of the committed ledger's query tables (schemas' aot_ledger.cql), one upsert statement per table, keyed by
 * what makes a row unique: a replay after a failover writes the same rows again and changes nothing. Days are
 * calendar days in Asia/Seoul, the market's own.
 */
public final class LedgerTableRows implements Serializable {

    private static final long serialVersionUID = 1L;
    static final ZoneId MARKET_ZONE = ZoneId.of("Asia/Seoul");

    private static final TypeInformation<Date> TS = TypeInformation.of(Date.class);
    // Flink's own serializers travel these (Kryo cannot open java.nio on Java 17); CassandraRowSink converts them to the
    // driver's types (ByteBuffer for blob, Instant for timestamp) at the last moment. A day travels as a
    // java.time.LocalDate (year, month, day on the wire): java.sql.Date travels as the millisecond of midnight in the
    // producing JVM's default zone and reads back as another day in a TaskManager of another zone.
    static final TypeInformation<LocalDate> DAY = Types.LOCAL_DATE;
    private static final TypeInformation<byte[]> BLOB = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;

    public static final CassandraTable TRANSACTIONS_BY_ID = new CassandraTable("transactions_by_id",
            "tx_id, kind, result_code, height, index_in_block, block_hash, block_time, event_time, terminal_id, "
                    + "merchant_id, acquirer_id, method, wallet_provider, currency, amount_minor, original_tx_id, record",
            new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.STRING, Types.LONG, Types.INT, Types.STRING, TS,
                TS, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.BIG_INT,
                Types.STRING, BLOB});

    public static final CassandraTable TRANSACTIONS_BY_MERCHANT_DAY = new CassandraTable("transactions_by_merchant_day",
            "merchant_id, day, second_of_day, block_time, tx_id, kind, result_code, method, wallet_provider, currency, "
                    + "amount_minor, terminal_id, height, event_time",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.INT, TS, Types.STRING, Types.STRING, Types.STRING, Types.STRING,
                Types.STRING, Types.STRING, Types.BIG_INT, Types.STRING, Types.LONG, TS});

    public static final CassandraTable POSTINGS_BY_ACCOUNT_DAY = new CassandraTable("postings_by_account_day",
            "account_id, day, second_of_day, height, index_in_block, leg, tx_id, side, currency, amount_minor, block_time",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.INT, Types.LONG, Types.INT, Types.INT, Types.STRING, Types.STRING,
                Types.STRING, Types.BIG_INT, TS});

    /** Written {@code USING TIMESTAMP} of its chain position ({@link ChainWriteTimestamps}): newer balances win. */
    public static final CassandraTable BALANCES = new CassandraTable("balances",
            "account_id, currency, balance_minor, as_of_height, updated_at",
            new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.BIG_INT, Types.LONG, TS, Types.LONG}, true);

    public static final CassandraTable BLOCKS = new CassandraTable("blocks",
            "height, block_hash, chain_id, block_time, proposer, last_block_hash, tx_merkle_root, app_hash, "
                    + "validator_set_hash, tx_count, header_bytes, commit_certificate",
            new TypeInformation<?>[] {Types.LONG, Types.STRING, Types.STRING, TS, Types.STRING, Types.STRING,
                Types.STRING, Types.STRING, Types.STRING, Types.INT, BLOB, BLOB});

    public static final CassandraTable BLOCKS_BY_DAY = new CassandraTable("blocks_by_day",
            "day, hour, height, block_hash, block_time, tx_count",
            new TypeInformation<?>[] {DAY, Types.INT, Types.LONG, Types.STRING, TS, Types.INT});

    /** The {@code blocks} row of a block record: header fields decoded from its wire-encoded header. */
    public Row block(CommittedTx b) {
        BlockHeader h;
        try {
            h = new WireCodec(WireCodec.Limits.defaults())
                    .readHeader(new CanonicalReader(b.headerBytes));
        } catch (CanonicalReader.MalformedException e) {
            throw new IllegalStateException("block " + b.height + ": header bytes do not decode", e);
        }
        if (!h.id().hex().equals(b.blockHashHex)) {
            throw new IllegalStateException("block " + b.height + ": header hash " + h.id().hex() + " is not " + b.blockHashHex);
        }
        return Row.of(b.height, b.blockHashHex, h.chainId(), new Date(b.blockTimeMillis), h.proposerAddress(),
                h.lastBlockId() == null ? null : h.lastBlockId().hex(), h.txRoot().hex(), h.appHash().hex(),
                h.validatorSetHash().hex(), b.blockTxCount, b.headerBytes, b.certificateBytes);
    }

    public Row blockByDay(CommittedTx b) {
        Instant at = Instant.ofEpochMilli(b.blockTimeMillis);
        return Row.of(day(at), at.atZone(MARKET_ZONE).getHour(), b.height, b.blockHashHex, new Date(b.blockTimeMillis),
                b.blockTxCount);
    }

    /**
     * Settlement rows as {@link SettlementFunction} emits them: merchant, day, acquirer, currency, payment count, gross,
     * refund count, refunds, fee, net, as-of height; each table's row adds its partition bucket at the end.
     */
    public static final CassandraTable DAILY_SETTLEMENT = new CassandraTable("daily_settlement",
            "merchant_id, day, acquirer_id, currency, payment_count, gross_minor, refund_count, refund_minor, fee_minor, "
                    + "net_minor, as_of_height",
            new TypeInformation<?>[] {Types.STRING, DAY, Types.STRING, Types.STRING, Types.LONG, Types.BIG_INT,
                Types.LONG, Types.BIG_INT, Types.BIG_INT, Types.BIG_INT, Types.LONG});

    private static TypeInformation<?>[] settlementTypesAnd(TypeInformation<?> bucket) {
        TypeInformation<?>[] t = java.util.Arrays.copyOf(DAILY_SETTLEMENT.types(), DAILY_SETTLEMENT.types().length + 1);
        t[t.length - 1] = bucket;
        return t;
    }

    /** Partitioned by merchant and year (a merchant's partition holds one year of days). */
    public static final CassandraTable DAILY_SETTLEMENT_BY_MERCHANT = new CassandraTable("daily_settlement_by_merchant",
            DAILY_SETTLEMENT.columns() + ", year", settlementTypesAnd(Types.INT));

    /** Partitioned by acquirer, day and merchant shard ({@link #merchantShard}). */
    public static final CassandraTable DAILY_SETTLEMENT_BY_ACQUIRER = new CassandraTable("daily_settlement_by_acquirer",
            DAILY_SETTLEMENT.columns() + ", merchant_shard", settlementTypesAnd(Types.INT));

    /** Shards of an acquirer's day: 3 M merchants / 128 x 4 currencies stays under 100k rows a partition. */
    public static final int MERCHANT_SHARDS = 128;

    /** The shard of a merchant in {@code daily_settlement_by_acquirer}: a stable hash (String.hashCode is specified). */
    public static int merchantShard(String merchantId) {
        return Math.floorMod(merchantId.hashCode(), MERCHANT_SHARDS);
    }

    /** A settlement row ({@link #DAILY_SETTLEMENT}) as a {@code daily_settlement_by_merchant} row. */
    public static Row settlementByMerchant(Row r) {
        return Row.join(r, Row.of(((LocalDate) r.getField(1)).getYear()));
    }

    /** A settlement row ({@link #DAILY_SETTLEMENT}) as a {@code daily_settlement_by_acquirer} row. */
    public static Row settlementByAcquirer(Row r) {
        return Row.join(r, Row.of(merchantShard((String) r.getField(0))));
    }

    /**
     * The posting legs of a transaction as balance deltas: (account, currency, signed amount, height, write timestamp in
     * us, block time in ms); {@code timestamps} follows the chain, so calls come in chain order.
     */
    public List<org.apache.flink.api.java.tuple.Tuple6<String, String, BigInteger, Long, Long, Long>> deltas(
            CommittedTransaction t, ChainWriteTimestamps timestamps) {
        List<org.apache.flink.api.java.tuple.Tuple6<String, String, BigInteger, Long, Long, Long>> out =
                new java.util.ArrayList<>();
        List<Posting> postings = t.getPostings();
        if (postings.size() > ChainWriteTimestamps.MAX_LEGS) {
            throw new IllegalStateException(t.getTxId() + " has " + postings.size() + " legs, more than "
                    + ChainWriteTimestamps.MAX_LEGS);
        }
        for (int leg = 0; leg < postings.size(); leg++) {
            Posting p = postings.get(leg);
            BigInteger a = amount(p.getAmount().getAmountMinor());
            // The leg is part of the write timestamp: one account can take two legs of one transaction (a payment
            // and its fee), and Cassandra breaks a timestamp tie by the larger value, not the later write.
            out.add(org.apache.flink.api.java.tuple.Tuple6.of(s(p.getAccount()), p.getAmount().getCurrency().name(),
                    p.getSide() == io.aot.avro.PostingSide.DEBIT ? a : a.negate(), t.getHeight(),
                    timestamps.micros(t.getHeight(), t.getBlockTimeMillis().toEpochMilli(), t.getIndexInBlock(), leg),
                    t.getBlockTimeMillis().toEpochMilli()));
        }
        return out;
    }

    /** Ledger asset codes as the tables' currency: {@code PT:<company>} is POINT (the account names the company). */
    public static String currencyOf(String assetCode) {
        return assetCode.startsWith("PT:") ? "POINT" : assetCode;
    }

    private transient AvroCodec<CommittedTransaction> codec;

    public Row transactionById(CommittedTransaction t) {
        if (codec == null) {
            codec = AvroCodec.of(CommittedTransaction.class);
        }
        return Row.of(s(t.getTxId()), t.getKind().name(), s(t.getResultCode()), t.getHeight(), t.getIndexInBlock(),
                s(t.getBlockHash()), date(t.getBlockTimeMillis()), date(t.getEventTimeMillis()), s(t.getTerminalId()),
                s(t.getMerchantId()), s(t.getAcquirerId()), t.getMethod().name(), t.getWalletProvider().name(),
                t.getAmount().getCurrency().name(), amount(t.getAmount().getAmountMinor()), s(t.getOriginalTxId()),
                codec.encode(t));
    }

    /** Null for a transaction without a merchant (a chain transfer). */
    public Row transactionByMerchantDay(CommittedTransaction t) {
        if (t.getMerchantId() == null) {
            return null;
        }
        return Row.of(s(t.getMerchantId()), day(t.getBlockTimeMillis()), secondOfDay(t.getBlockTimeMillis()),
                date(t.getBlockTimeMillis()), s(t.getTxId()),
                t.getKind().name(), s(t.getResultCode()), t.getMethod().name(), t.getWalletProvider().name(),
                t.getAmount().getCurrency().name(), amount(t.getAmount().getAmountMinor()), s(t.getTerminalId()),
                t.getHeight(), date(t.getEventTimeMillis()));
    }

    public List<Row> postings(CommittedTransaction t) {
        List<Row> rows = new java.util.ArrayList<>();
        List<Posting> postings = t.getPostings();
        for (int leg = 0; leg < postings.size(); leg++) {
            Posting p = postings.get(leg);
            rows.add(Row.of(s(p.getAccount()), day(t.getBlockTimeMillis()), secondOfDay(t.getBlockTimeMillis()),
                    t.getHeight(), t.getIndexInBlock(), leg,
                    s(t.getTxId()), p.getSide().name(), p.getAmount().getCurrency().name(),
                    amount(p.getAmount().getAmountMinor()), date(t.getBlockTimeMillis())));
        }
        return rows;
    }

    /** The Asia/Seoul calendar day of an instant, computed with the zone named, never the JVM's default. */
    static LocalDate day(Instant at) {
        return at.atZone(MARKET_ZONE).toLocalDate();
    }

    /**
     * The time bucket of the rows of a transaction: the Asia/Seoul second of the day of its block time, 0..86,399. At
     * the design rate (10,000 tx/s) a merchant's or an account's second holds at most 10,000 transactions.
     */
    public static int secondOfDay(Instant at) {
        return at.atZone(MARKET_ZONE).toLocalTime().toSecondOfDay();
    }

    private static Date date(Instant at) {
        return Date.from(at);
    }

    private static BigInteger amount(java.math.BigDecimal minor) {
        return minor.toBigIntegerExact();
    }

    private static String s(CharSequence c) {
        return c == null ? null : c.toString();
    }
}
