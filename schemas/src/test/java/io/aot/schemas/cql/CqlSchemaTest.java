package io.aot.schemas.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CqlSchemaTest {

    @ParameterizedTest
    @EnumSource(Keyspace.class)
    void everyStatementIsIdempotentAndNamesTheChosenKeyspace(Keyspace keyspace) {
        List<String> statements = CqlSchema.statements(keyspace, "test_ks", Replication.simple(1));

        assertThat(statements.get(0)).startsWith("CREATE KEYSPACE IF NOT EXISTS test_ks WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        assertThat(statements).hasSizeGreaterThan(3);
        assertThat(statements.subList(1, statements.size()))
                .allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS test_ks."));
        assertThat(statements).noneSatisfy(s -> assertThat(s).contains("${", keyspace.defaultName() + ".", ";"));
    }

    @Test
    void replicationIsConfigurable() {
        assertThat(Replication.parse("simple:3").cql())
                .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 3}");
        assertThat(Replication.parse("seoul:3,busan:2").cql())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'busan': 2, 'seoul': 3}");
        assertThat(Replication.networkTopology(Map.of("dc1", 3)).cql()).contains("'dc1': 3");
        assertThatThrownBy(() -> Replication.parse("simple:0")).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Replication.parse("dc'1:3")).hasMessageContaining("not a data center");
        assertThatThrownBy(() -> Replication.parse("nonsense")).hasMessageContaining("simple:N");
    }

    @Test
    void refusesKeyspaceNamesThatCouldInjectCql() {
        assertThatThrownBy(() -> CqlSchema.statements(Keyspace.LEDGER, "x; DROP KEYSPACE y", Replication.simple(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CqlSchema.statements(Keyspace.LEDGER, "UpperCase", Replication.simple(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitKeepsMultiLineStatementsAndDropsComments() {
        assertThat(CqlSchema.split("-- c\nCREATE TABLE a (\n  k int PRIMARY KEY\n);\n\nCREATE TABLE b (k int PRIMARY KEY);\n"))
                .containsExactly("CREATE TABLE a (\nk int PRIMARY KEY\n)", "CREATE TABLE b (k int PRIMARY KEY)");
        assertThatThrownBy(() -> CqlSchema.split("CREATE TABLE a (k int")).hasMessageContaining("ends inside");
    }
}
