package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Posting;
import io.aot.avro.PostingSide;
import io.aot.avro.Region;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real Cassandra, the {@code balances} rows as the store job writes them ({@link LedgerTableRows#deltas} with
 * {@link ChainWriteTimestamps}, {@code BALANCES.upsert}): an operator's UPDATE and DELETE in cqlsh (current time) do not
 * shadow the chain's later writes, a replayed older write does not overwrite a newer one, and writetime is near now.
 */
@ExtendWith(CassandraExtension.class)
class BalanceWriteTimestampsIT {

    private static CommittedTransaction tx(String id, long height, int index, Instant blockTime, long krw) {
        Money m = new Money(BigDecimal.valueOf(krw), Currency.KRW);
        return CommittedTransaction.newBuilder().setTxId(id).setKind(TransactionKind.PAYMENT).setResultCode("OK")
                .setChainId("c").setHeight(height).setIndexInBlock(index).setBlockHash("h").setBlockTimeMillis(blockTime)
                .setEventTimeMillis(blockTime).setTerminalId("M1-T0").setMerchantId("M1").setMerchantCategory(MerchantCategory.CAFE)
                .setRegion(Region.SEOUL).setAcquirerId("ACQ-1")
                .setMethod(PaymentMethod.IC_CHIP).setWalletProvider(WalletProvider.NONE).setAmount(m)
                .setPostings(List.of(new Posting("merchant:M1", PostingSide.DEBIT, m),
                        new Posting("acquirer:ACQ-1:payable", PostingSide.CREDIT, m)))
                .build();
    }

    @Test
    void operatorWritesDoNotShadowLaterChainWritesAndWritetimeIsNearNow(CassandraNode cassandra) throws Exception {
        String ks = "aot_ledger_wts_" + Long.toHexString(System.nanoTime());
        LedgerTableRows rows = new LedgerTableRows();
        ChainWriteTimestamps timestamps = new ChainWriteTimestamps();
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, ks, Replication.simple(1), s::execute);
            PreparedStatement upsert = s.prepare(LedgerTableRows.BALANCES.upsert(ks));
            Instant now = Instant.now();
            var first = rows.deltas(tx("p1", 10, 0, now, 1_000), timestamps).get(0);
            write(s, upsert, first, BigInteger.valueOf(1_000));
            assertThat(writetimeMicros(s, ks)).as("writetime near now, not in 1970")
                    .isBetween((now.toEpochMilli() - 60_000) * 1_000, (now.toEpochMilli() + 60_000) * 1_000);

            // An operator corrects the row by hand (cqlsh stamps current time), then deletes it.
            Thread.sleep(5);
            s.execute("UPDATE " + ks + ".balances SET balance_minor = 42 WHERE account_id = 'merchant:M1' AND currency"
                    + " = 'KRW'");
            assertThat(balance(s, ks)).isEqualTo(BigInteger.valueOf(42));
            s.execute("DELETE FROM " + ks + ".balances WHERE account_id = 'merchant:M1' AND currency = 'KRW'");

            // The chain's next block, a second later: its write wins over both.
            var second = rows.deltas(tx("p2", 11, 3, now.plusSeconds(1), 500), timestamps).get(0);
            write(s, upsert, second, BigInteger.valueOf(1_500));
            assertThat(balance(s, ks)).as("the chain's later write is visible").isEqualTo(BigInteger.valueOf(1_500));

            // A replay of the older write (after a restore) changes nothing.
            write(s, upsert, first, BigInteger.valueOf(1_000));
            assertThat(balance(s, ks)).isEqualTo(BigInteger.valueOf(1_500));
            assertThat(writetimeMicros(s, ks)).isEqualTo(second.f4);
            s.execute("DROP KEYSPACE " + ks);
        }
    }

    private static void write(CqlSession s, PreparedStatement upsert,
            Tuple6<String, String, BigInteger, Long, Long, Long> d, BigInteger balance) {
        s.execute(upsert.bind(d.f0, d.f1, balance, d.f3, Instant.ofEpochMilli(d.f5), d.f4));
    }

    private static BigInteger balance(CqlSession s, String ks) {
        var row = s.execute("SELECT balance_minor FROM " + ks + ".balances WHERE account_id = 'merchant:M1' AND "
                + "currency = 'KRW'").one();
        return row == null ? null : row.getBigInteger(0);
    }

    private static long writetimeMicros(CqlSession s, String ks) {
        return s.execute("SELECT writetime(balance_minor) FROM " + ks + ".balances WHERE account_id = 'merchant:M1' "
                + "AND currency = 'KRW'").one().getLong(0);
    }
}
