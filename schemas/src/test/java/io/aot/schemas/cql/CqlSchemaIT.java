package io.aot.schemas.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.SampleRecords;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The DDL against a real Cassandra 5.0: applies twice, and the tables take and give back real rows. */
@ExtendWith(CassandraExtension.class)
class CqlSchemaIT {

    @Test
    void ddlAppliesTwiceAndRowsReadBack(CassandraNode cassandra) {
        String suffix = Long.toHexString(System.nanoTime());
        Map<Keyspace, String> names = new EnumMap<>(Keyspace.class);
        for (Keyspace k : Keyspace.values()) {
            names.put(k, k.defaultName() + "_it_" + suffix);
        }
        try (CqlSession session = cassandra.newSession()) {
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                for (Keyspace k : Keyspace.values()) {
                    int applied = CqlSchema.apply(k, names.get(k), Replication.simple(1), session::execute);
                    assertThat(applied).isGreaterThan(3);
                }
                System.out.printf("DDL pass %d: %d ms%n", pass + 1, (System.nanoTime() - t0) / 1_000_000);
            }
            String ledger = names.get(Keyspace.LEDGER);
            for (Keyspace k : Keyspace.values()) {
                long tables = session.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                        names.get(k)).all().size();
                assertThat(tables).isEqualTo(CqlSchema.statements(k, names.get(k), Replication.simple(1)).size() - 1);
            }

            Instant registered = Instant.parse("2026-11-23T00:00:00Z");
            session.execute(session.prepare("INSERT INTO " + ledger + ".terminals (terminal_id, merchant_id, "
                    + "merchant_category, region, acquirer_id, key_id, key_algorithm, public_key, status, registered_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").bind("T-SEOUL-0001", "M-CAFE-0042", "CAFE", "SEOUL",
                    "ACQ-SHINHAN", "T-SEOUL-0001#1", "ED25519", ByteBuffer.wrap(new byte[] {7, 7, 7}), "ACTIVE",
                    registered));
            Row terminal = session.execute("SELECT * FROM " + ledger + ".terminals WHERE terminal_id = 'T-SEOUL-0001'")
                    .one();
            assertThat(terminal).isNotNull();
            assertThat(terminal.getString("merchant_id")).isEqualTo("M-CAFE-0042");
            assertThat(terminal.getByteBuffer("public_key")).isEqualTo(ByteBuffer.wrap(new byte[] {7, 7, 7}));
            assertThat(terminal.getInstant("registered_at")).isEqualTo(registered);

            // varint keeps AOT amounts beyond 64 bits exact
            session.execute(session.prepare("INSERT INTO " + ledger + ".balances (account_id, currency, balance_minor, "
                    + "as_of_height) VALUES (?, ?, ?, ?)").bind("wallet:0xabc", "AOT", SampleRecords.AOT_OVER_64_BITS, 7L));
            BigInteger balance = session.execute("SELECT balance_minor FROM " + ledger
                    + ".balances WHERE account_id = 'wallet:0xabc' AND currency = 'AOT'").one().getBigInteger(0);
            assertThat(balance).isEqualTo(SampleRecords.AOT_OVER_64_BITS);

            for (String ks : names.values()) {
                session.execute("DROP KEYSPACE " + ks);
            }
        }
    }
}
