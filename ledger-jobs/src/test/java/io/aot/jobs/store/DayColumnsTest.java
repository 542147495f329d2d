package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.jobs.cassandra.CassandraRowSink;
import io.aot.jobs.cassandra.CassandraTable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/**
 * Day columns are Asia/Seoul dates whatever {@code user.timezone} each TaskManager has: a row made in a JVM of one
 * zone and written to Cassandra by a JVM of another (Flink serializes records between them) binds the same date.
 */
class DayColumnsTest {

    /** 00:30 on 23 Nov 2026 in Seoul, 15:30 on the 22nd in UTC: the hour where a zone mix-up shows. */
    private static final Instant JUST_AFTER_SEOUL_MIDNIGHT = Instant.parse("2026-11-22T15:30:00Z");

    @Test
    void aDayMadeInOneZoneIsTheSameDayWhenWrittenInAnother() throws Exception {
        CassandraTable table = LedgerTableRows.BLOCKS_BY_DAY;
        TypeSerializer<Row> serializer = table.rowType().createSerializer(new SerializerConfigImpl());
        for (String[] zones : new String[][] {{"Asia/Seoul", "UTC"}, {"UTC", "Asia/Seoul"},
            {"America/Los_Angeles", "Asia/Seoul"}, {"Asia/Seoul", "Pacific/Kiritimati"}}) {
            byte[] wire = inZone(zones[0], () -> {
                Row row = Row.of(LedgerTableRows.day(JUST_AFTER_SEOUL_MIDNIGHT), 0, 7L, "ab", new java.util.Date(0), 0);
                DataOutputSerializer out = new DataOutputSerializer(64);
                serializer.serialize(row, out);
                return out.getCopyOfBuffer();
            });
            Object bound = inZone(zones[1], () -> CassandraRowSink.bindValue(
                    serializer.deserialize(new DataInputDeserializer(wire)).getField(0)));
            assertThat(bound).as("made in %s, written in %s", zones[0], zones[1])
                    .isEqualTo(java.time.LocalDate.of(2026, 11, 23));
            assertThat(com.datastax.oss.driver.api.core.type.codec.TypeCodecs.DATE.accepts(bound))
                    .as("bound as a CQL date").isTrue();
        }
    }

    /** The whole kind: every {@code day} column of every ledger table travels as a zone-free LocalDate. */
    @Test
    void everyDayColumnOfEveryLedgerTableIsZoneFree() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Field f : LedgerTableRows.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == CassandraTable.class) {
                f.setAccessible(true);
                CassandraTable t = (CassandraTable) f.get(null);
                List<String> columns = Arrays.stream(t.columns().split(",")).map(String::trim).toList();
                for (int i = 0; i < columns.size(); i++) {
                    if (columns.get(i).equals("day")) {
                        assertThat(t.types()[i]).as(t.name() + ".day").isEqualTo(Types.LOCAL_DATE);
                        checked.add(t.name());
                    }
                }
            }
        }
        assertThat(checked).contains("blocks_by_day", "transactions_by_merchant_day", "postings_by_account_day",
                "daily_settlement_by_merchant", "daily_settlement_by_acquirer");
    }

    static <T> T inZone(String zone, Callable<T> work) throws Exception {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            return work.call();
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
