package io.aot.jobs.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import org.junit.jupiter.api.Test;

/** Table writes are LOCAL_QUORUM unless the deployment says otherwise; a level that cannot write is refused. */
class CassandraConnectionTest {

    @Test
    void writesAreLocalQuorumByDefaultAndConfigurable() {
        assertThat(new CassandraConnection("127.0.0.1:9042").consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(new CassandraConnection("127.0.0.1:9042", "each_quorum").consistency())
                .isEqualTo(DefaultConsistencyLevel.EACH_QUORUM);
        assertThatThrownBy(() -> new CassandraConnection("127.0.0.1:9042", "LOCAL_SERIAL"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CassandraConnection("127.0.0.1:9042", "MOST"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
