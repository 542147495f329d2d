package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import io.aot.consensus.flink.source.BlockSource;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.consensus.node.Genesis;
import io.aot.jobs.ingest.functions.Rejections;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.jobs.deploy.JobArgs;
import io.aot.jobs.deploy.JobDefaults;
import io.aot.jobs.cassandra.CassandraTable;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.schemas.topics.Topic;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.state.LedgerGenesisFile;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * The committed chain out to its readers: {@link BlockSource} (light-client verified, checkpointed height) -> one
 * {@link CommittedTransaction} per committed transaction into {@code aot.ledger.committed.v1} with an exactly-once
 * KafkaSink, the ledger's refusals into {@code aot.tx.rejected.v1}, and (when a Cassandra contact point is given) the
 * query tables {@code blocks} (header and commit certificate of every block), {@code blocks_by_day},
 * {@code transactions_by_id}, {@code transactions_by_merchant_day}, {@code postings_by_account_day},
 * {@code balances} and the daily settlement per merchant and per acquirer through {@code CassandraRowSink}, as
 * idempotent upserts.
 */
public final class LedgerStoreJob {

    /**
     * Balances and daily settlement rows change with nearly every transaction: each is written at most once per this
     * much chain time (the last value of the interval), which takes most of the store job's Cassandra writes away.
     */
    static final long TABLE_FLUSH_EVERY_CHAIN_MS = 1_000;

    private LedgerStoreJob() {
    }

    /**
     * Program arguments: {@code --genesis FILE --validators h:p,h:p [--bootstrap-servers ..] [--committed-topic ..]
     * [--cassandra h:p] [--cassandra-consistency LOCAL_QUORUM]}.
     */
    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        Genesis genesis = Genesis.read(Path.of(p.getRequired("genesis")));
        List<String> validators = Arrays.stream(p.getRequired("validators").split(",")).map(String::trim).toList();
        String bootstrap = p.get("bootstrap-servers", "127.0.0.1:9092");
        // The committed topic is published when a checkpoint completes: barriers must not queue behind back-pressure.
        StreamExecutionEnvironment env = new JobDefaults(p.getInt("parallelism", 2),
                p.getLong("checkpoint-interval-ms", 2_000), true, null)
                .applyTo(StreamExecutionEnvironment.getExecutionEnvironment());
        wire(env, genesis.chainId(),
                new BlockSource(BlockSource.Settings.fromGenesis(genesis, validators, 1, 0)),
                LedgerTopicSinks.committed(bootstrap, p.get("committed-topic", Topic.LEDGER_COMMITTED.baseName()),
                        p.get("transactional-id-prefix", "aot-ledger-store")),
                LedgerTopicSinks.rejections(bootstrap, p.get("rejected-topic", Topic.TX_REJECTED.baseName())),
                new CassandraConnection(p.get("cassandra", "127.0.0.1:9042"),
                        p.get("cassandra-consistency", CassandraConnection.DEFAULT_CONSISTENCY.name())),
                p.get("ledger-keyspace", "aot_ledger"),
                p.has("ledger-genesis") ? LedgerGenesisFile.read(Path.of(p.get("ledger-genesis"))) : null);
        JobArgs.refuseUnknown(p, "LedgerStoreJob"); // every option read above: any other is a mistake
        env.execute("aot-ledger-store");
    }

    /**
     * @param cassandraContactPoint {@code host:port}, or null for no Cassandra tables (writes at LOCAL_QUORUM)
     * @param ledgerGenesis the validators' ledger genesis (opening balances), or null for no {@code balances} table
     */
    public static void wire(StreamExecutionEnvironment env, String chainId, Source<CommittedTx, ?, ?> blocks,
            Sink<CommittedTransaction> committedSink, Sink<Rejection> rejectionSink, String cassandraContactPoint,
            String ledgerKeyspace, LedgerGenesis ledgerGenesis) {
        wire(env, chainId, blocks, committedSink, rejectionSink,
                cassandraContactPoint == null ? null : new CassandraConnection(cassandraContactPoint),
                ledgerKeyspace, ledgerGenesis);
    }

    /** As above, with the Cassandra cluster (contact point and write consistency), or null for no tables. */
    public static void wire(StreamExecutionEnvironment env, String chainId, Source<CommittedTx, ?, ?> blocks,
            Sink<CommittedTransaction> committedSink, Sink<Rejection> rejectionSink, CassandraConnection cassandra,
            String ledgerKeyspace, LedgerGenesis ledgerGenesis) {
        wireCommitted(env, chainId, env.fromSource(blocks, WatermarkStrategy.noWatermarks(), "block-source")
                        .uid("block-source").setParallelism(1), // a chain is one sequence
                committedSink, rejectionSink, cassandra, ledgerKeyspace, ledgerGenesis);
    }

    /**
     * Everything after the block source: {@code chain} is the committed chain in order (a block record, then its
     * transactions). The pipeline benchmark's baseline feeds it from a single in-process ledger instead.
     */
    public static void wireCommitted(StreamExecutionEnvironment env, String chainId, DataStream<CommittedTx> chain,
            Sink<CommittedTransaction> committedSink, Sink<Rejection> rejectionSink, String cassandraContactPoint,
            String ledgerKeyspace, LedgerGenesis ledgerGenesis) {
        wireCommitted(env, chainId, chain, committedSink, rejectionSink,
                cassandraContactPoint == null ? null : new CassandraConnection(cassandraContactPoint),
                ledgerKeyspace, ledgerGenesis);
    }

    /** As above, with the Cassandra cluster (contact point and write consistency), or null for no tables. */
    public static void wireCommitted(StreamExecutionEnvironment env, String chainId, DataStream<CommittedTx> chain,
            Sink<CommittedTransaction> committedSink, Sink<Rejection> rejectionSink, CassandraConnection cluster,
            String ledgerKeyspace, LedgerGenesis ledgerGenesis) {
        SingleOutputStreamOperator<CommittedTransaction> committed = chain
                // Chain time: block times only grow (every block, empty ones too), so the watermark follows the chain.
                .assignTimestampsAndWatermarks(WatermarkStrategy.<CommittedTx>forMonotonousTimestamps()
                        .withTimestampAssigner((c, previous) -> c.blockTimeMillis))
                .name("chain-time").uid("chain-time").setParallelism(1)
                .process(new CommittedTxFunction(chainId)).name("committed-records").uid("committed-records")
                .setParallelism(1);
        committed.sinkTo(committedSink).name("committed-topic").uid("committed-topic").setParallelism(1);
        committed.getSideOutput(Rejections.TAG).sinkTo(rejectionSink).name("ledger-rejections")
                .uid("ledger-rejections").setParallelism(1);
        if (cluster != null) {
            LedgerTableRows rows = new LedgerTableRows();
            var blockRecords = committed.getSideOutput(CommittedTxFunction.BLOCKS);
            table(blockRecords.map(rows::block), LedgerTableRows.BLOCKS, ledgerKeyspace, cluster);
            table(blockRecords.map(rows::blockByDay), LedgerTableRows.BLOCKS_BY_DAY, ledgerKeyspace, cluster);
            table(committed.map(rows::transactionById), LedgerTableRows.TRANSACTIONS_BY_ID, ledgerKeyspace, cluster);
            table(committed.flatMap((CommittedTransaction t, Collector<Row> out) -> {
                Row r = rows.transactionByMerchantDay(t);
                if (r != null) {
                    out.collect(r);
                }
            }), LedgerTableRows.TRANSACTIONS_BY_MERCHANT_DAY, ledgerKeyspace, cluster);
            table(committed.flatMap((CommittedTransaction t, Collector<Row> out) -> rows.postings(t).forEach(out::collect)),
                    LedgerTableRows.POSTINGS_BY_ACCOUNT_DAY, ledgerKeyspace, cluster);
            if (ledgerGenesis != null) {
                balances(blockRecords, committed, rows, openingBalances(ledgerGenesis), ledgerKeyspace, cluster);
            }
            SingleOutputStreamOperator<Row> settlement = committed
                    .filter(t -> SettlementFunction.key(t) != null).name("sales").uid("sales").setParallelism(1)
                    .keyBy(SettlementFunction::key)
                    .process(new SettlementFunction(TABLE_FLUSH_EVERY_CHAIN_MS))
                    .returns(LedgerTableRows.DAILY_SETTLEMENT.rowType())
                    .name("daily-settlement").uid("daily-settlement").setParallelism(1)
                    .setMaxParallelism(JobDefaults.MAX_PARALLELISM);
            table(settlement.map(LedgerTableRows::settlementByMerchant), LedgerTableRows.DAILY_SETTLEMENT_BY_MERCHANT,
                    ledgerKeyspace, cluster);
            table(settlement.map(LedgerTableRows::settlementByAcquirer), LedgerTableRows.DAILY_SETTLEMENT_BY_ACQUIRER,
                    ledgerKeyspace, cluster);
        }
    }

    /**
     * Genesis balances, written when block 1 comes by with a timestamp just below it
     * ({@link ChainWriteTimestamps#genesisMicros}), and, keyed by account and currency, every balance after a posting.
     */
    private static void balances(DataStream<CommittedTx> blockRecords,
            SingleOutputStreamOperator<CommittedTransaction> committed, LedgerTableRows rows, Map<String, String> opening,
            String keyspace, CassandraConnection cluster) {
        CassandraTable table = LedgerTableRows.BALANCES;
        if (!opening.isEmpty()) {
            blockRecords.flatMap((CommittedTx b, Collector<Row> out) -> {
                if (b.height == 1) {
                    long micros = ChainWriteTimestamps.genesisMicros(b.blockTimeMillis);
                    opening.forEach((key, amount) -> {
                        int bar = key.lastIndexOf('|');
                        out.collect(Row.of(key.substring(0, bar), key.substring(bar + 1), new BigInteger(amount), 0L,
                                new java.util.Date(b.blockTimeMillis), micros));
                    });
                }
            }).returns(table.rowType()).name("genesis-balances").uid("genesis-balances").setParallelism(1)
                    .sinkTo(table.sink(keyspace, cluster))
                    .name("cassandra-genesis-balances").uid("cassandra-genesis-balances").setParallelism(1);
        }
        table(committed.process(new PostingDeltasFunction(rows))
                .returns(Types.TUPLE(Types.STRING, Types.STRING, Types.BIG_INT, Types.LONG, Types.LONG, Types.LONG))
                .name("posting-deltas").uid("posting-deltas").setParallelism(1)
                .keyBy(d -> d.f0 + "|" + d.f1)
                .process(new BalanceFunction(opening, TABLE_FLUSH_EVERY_CHAIN_MS))
                .setMaxParallelism(JobDefaults.MAX_PARALLELISM), table, keyspace, cluster);
    }

    /** {@code account|currency} -> opening balance, summed over the assets that share a currency column. */
    static Map<String, String> openingBalances(LedgerGenesis genesis) {
        Map<String, BigInteger> sums = new TreeMap<>();
        genesis.balances().forEach((account, byAsset) -> byAsset.forEach((asset, amount) ->
                sums.merge(account + "|" + LedgerTableRows.currencyOf(asset.code()), amount, BigInteger::add)));
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static void table(SingleOutputStreamOperator<Row> rows, CassandraTable table, String keyspace,
            CassandraConnection cluster) {
        // Each table's writer in its own task: a sink waiting for a write slot must not stall the chain's source
        // thread (block source, records, committed topic), nor the other tables.
        table.write(rows.returns(table.rowType()).name(table.name() + "-rows").uid(table.name() + "-rows")
                .setParallelism(1), keyspace, cluster).disableChaining();
    }
}
