package io.aot.jobs.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link CassandraRowSink} in a local Flink job against a real Cassandra node: every column type the jobs bind, a null
 * field left unset (an earlier value survives, no tombstone), DELETE rows, more rows than writes in flight, the
 * consistency level applied (a level the keyspace cannot meet fails the job with the driver's reason, a lower one
 * writes), a field of the wrong type refused with the table and field named, and no session left open after a job.
 */
@ExtendWith(CassandraExtension.class)
class CassandraRowSinkIT {

    private static final String TABLE = "facts";
    private static final TypeInformation<?>[] TYPES = {Types.STRING, Types.INT, Types.LONG, Types.BIG_INT,
        Types.LOCAL_DATE, TypeInformation.of(java.util.Date.class), Types.INSTANT,
        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
        Types.LIST(Types.STRING), Types.BOOLEAN};
    private static final String COLUMNS = "id, n, big, amount, day, at, seen, raw, tags, ok";

    private CqlSession session;
    private String keyspace;

    @BeforeEach
    void schema(CassandraNode cassandra) {
        session = cassandra.newSession();
        keyspace = "sink_it_" + Long.toHexString(System.nanoTime());
        session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE " + keyspace + "." + TABLE + " (id text PRIMARY KEY, n int, big bigint, amount"
                + " varint, day date, at timestamp, seen timestamp, raw blob, tags list<text>, ok boolean)");
    }

    @AfterEach
    void drop() {
        session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
        session.close();
    }

    private CassandraRowSink sink(CassandraNode cassandra, String consistency) {
        String upsert = "INSERT INTO " + keyspace + "." + TABLE + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)";
        String delete = "DELETE FROM " + keyspace + "." + TABLE + " WHERE id = ?";
        return new CassandraRowSink(new CassandraConnection(cassandra.contactPoint(), consistency),
                new CassandraRowSink.Statements(keyspace + "." + TABLE, upsert, delete, 1));
    }

    private static org.apache.flink.types.Row full(String id, int n) {
        return org.apache.flink.types.Row.of(id, n, (long) n << 40, BigInteger.TEN.pow(30).add(BigInteger.valueOf(n)),
                LocalDate.of(2026, 11, 23), new java.util.Date(1_764_000_000_000L), Instant.ofEpochMilli(1_764_000_000_123L),
                new byte[] {1, 2, (byte) n}, List.of("a", "b" + n), n % 2 == 0);
    }

    private void run(CassandraRowSink sink, List<org.apache.flink.types.Row> rows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromCollection(rows, new RowTypeInfo(TYPES)).sinkTo(sink).name("cassandra-" + TABLE);
        env.execute("cassandra-row-sink-it");
    }

    @Test
    void writesEveryTypeLeavesNullsUnsetAndDeletes(CassandraNode cassandra) throws Exception {
        int rows = CassandraRowSink.MAX_WRITES_IN_FLIGHT * 20; // far more than may be in flight at once
        List<org.apache.flink.types.Row> first = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            first.add(full("r" + i, i));
        }
        run(sink(cassandra, "LOCAL_QUORUM"), first);
        assertThat(session.execute("SELECT count(*) FROM " + keyspace + "." + TABLE).one().getLong(0))
                .isEqualTo(rows);
        Row r7 = session.execute("SELECT * FROM " + keyspace + "." + TABLE + " WHERE id = 'r7'").one();
        assertThat(r7.getInt("n")).isEqualTo(7);
        assertThat(r7.getLong("big")).isEqualTo(7L << 40);
        assertThat(r7.getBigInteger("amount")).isEqualTo(BigInteger.TEN.pow(30).add(BigInteger.valueOf(7)));
        assertThat(r7.getLocalDate("day")).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(r7.getInstant("at")).isEqualTo(Instant.ofEpochMilli(1_764_000_000_000L));
        assertThat(r7.getInstant("seen")).isEqualTo(Instant.ofEpochMilli(1_764_000_000_123L));
        assertThat(r7.getByteBuffer("raw")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 7}));
        assertThat(r7.getList("tags", String.class)).containsExactly("a", "b7");
        assertThat(r7.getBoolean("ok")).isFalse();

        // A later row with nulls: those cells keep their values (unset, not a tombstone); a DELETE row removes r8.
        org.apache.flink.types.Row partial = org.apache.flink.types.Row.of("r7", 70, null, null, null, null, null,
                null, null, null);
        org.apache.flink.types.Row delete = org.apache.flink.types.Row.ofKind(RowKind.DELETE, "r8", null, null, null,
                null, null, null, null, null, null);
        run(sink(cassandra, "LOCAL_ONE"), List.of(partial, delete));
        r7 = session.execute("SELECT * FROM " + keyspace + "." + TABLE + " WHERE id = 'r7'").one();
        assertThat(r7.getInt("n")).isEqualTo(70);
        assertThat(r7.getLong("big")).as("a null field leaves the cell as it was").isEqualTo(7L << 40);
        assertThat(r7.getList("tags", String.class)).containsExactly("a", "b7");
        assertThat(session.execute("SELECT * FROM " + keyspace + "." + TABLE + " WHERE id = 'r8'").one()).isNull();
        assertThat(SharedSessions.open()).as("sessions left open after the jobs").isZero();
    }

    @Test
    void aWriteTheClusterCannotAcknowledgeFailsTheJobWithTheReason(CassandraNode cassandra) throws Exception {
        // Replication factor 3 on one node: LOCAL_QUORUM needs 2 replicas and is refused as unavailable.
        String rf3 = keyspace + "_rf3";
        session.execute("CREATE KEYSPACE " + rf3
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
        session.execute("CREATE TABLE " + rf3 + "." + TABLE + " (id text PRIMARY KEY, n int, big bigint, amount"
                + " varint, day date, at timestamp, seen timestamp, raw blob, tags list<text>, ok boolean)");
        try {
            String upsert = "INSERT INTO " + rf3 + "." + TABLE + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)";
            CassandraRowSink quorum = new CassandraRowSink(new CassandraConnection(cassandra.contactPoint()),
                    CassandraRowSink.Statements.upsertOnly(rf3 + "." + TABLE, upsert));
            assertThatThrownBy(() -> run(quorum, List.of(full("q1", 1), full("q2", 2))))
                    .rootCause().hasMessageContaining("LOCAL_QUORUM");
            assertThatThrownBy(() -> run(quorum, List.of(full("q1", 1))))
                    .hasStackTraceContaining("a write to " + rf3 + "." + TABLE);

            CassandraRowSink one = new CassandraRowSink(new CassandraConnection(cassandra.contactPoint(), "LOCAL_ONE"),
                    CassandraRowSink.Statements.upsertOnly(rf3 + "." + TABLE, upsert));
            run(one, List.of(full("q1", 1)));
            assertThat(session.execute("SELECT n FROM " + rf3 + "." + TABLE + " WHERE id = 'q1'").one().getInt(0))
                    .isEqualTo(1);
        } finally {
            session.execute("DROP KEYSPACE IF EXISTS " + rf3);
        }
        assertThat(SharedSessions.open()).as("sessions left open after failed jobs").isZero();
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedWithTheTableAndField(CassandraNode cassandra) {
        org.apache.flink.types.Row wrong = full("w1", 1);
        wrong.setField(1, "not an int");
        List<org.apache.flink.types.Row> rows = List.of(wrong);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        TypeInformation<?>[] types = TYPES.clone();
        types[1] = Types.STRING;
        env.fromCollection(rows, new RowTypeInfo(types)).sinkTo(sink(cassandra, "LOCAL_ONE"));
        assertThatThrownBy(() -> env.execute("wrong-type"))
                .hasStackTraceContaining(keyspace + "." + TABLE + " field 1 is a java.lang.String, the column is int");
        assertThat(session.execute("SELECT * FROM " + keyspace + "." + TABLE + " WHERE id = 'w1'").one()).isNull();
    }
}
