package io.aot.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.analytics.model.MarketTime;
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

/** Analytics day columns are the Asia/Seoul payment day whatever zone the producing and the writing JVMs have. */
class DayColumnsTest {

    /** 23:59:59.9 on 23 Nov 2026 in Seoul (14:59:59.9 UTC). */
    private static final long LAST_TENTH_OF_A_SEOUL_DAY = Instant.parse("2026-11-23T14:59:59.900Z").toEpochMilli();

    @Test
    void aPaymentDayMadeInOneZoneIsTheSameDayWhenWrittenInAnother() throws Exception {
        TypeSerializer<Row> serializer = AnalyticsTables.TOKEN_FLOW_DAILY.rowType()
                .createSerializer(new SerializerConfigImpl());
        for (String[] zones : new String[][] {{"Asia/Seoul", "UTC"}, {"UTC", "Asia/Seoul"},
            {"Pacific/Kiritimati", "America/Los_Angeles"}}) {
            byte[] wire = inZone(zones[0], () -> {
                DataOutputSerializer out = new DataOutputSerializer(64);
                serializer.serialize(Row.of(MarketTime.day(LAST_TENTH_OF_A_SEOUL_DAY), "COIN_PAYMENT", 1L,
                        java.math.BigInteger.ONE), out);
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

    @Test
    void everyDayColumnOfEveryAnalyticsTableIsZoneFree() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Field f : AnalyticsTables.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == CassandraTable.class) {
                CassandraTable t = (CassandraTable) f.get(null);
                List<String> columns = Arrays.stream(t.columns().split(",")).map(String::trim).toList();
                int day = columns.indexOf("day");
                if (day >= 0) {
                    assertThat(t.types()[day]).as(t.name() + ".day").isEqualTo(Types.LOCAL_DATE);
                    checked.add(t.name());
                }
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(10);
    }

    private static <T> T inZone(String zone, Callable<T> work) throws Exception {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            return work.call();
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
