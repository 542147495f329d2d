package io.aot.jobs.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.driver.core.ConsistencyLevel;
import org.junit.jupiter.api.Test;

/** Table writes are LOCAL_QUORUM unless the deployment says otherwise; a level that cannot write is refused. */
class CassandraClusterBuilderTest {

    @Test
    void writesAreLocalQuorumByDefaultAndConfigurable() {
        assertThat(new CassandraClusterBuilder("127.0.0.1:9042").consistency()).isEqualTo(ConsistencyLevel.LOCAL_QUORUM);
        assertThat(new CassandraClusterBuilder("127.0.0.1:9042", "each_quorum").consistency())
                .isEqualTo(ConsistencyLevel.EACH_QUORUM);
        assertThatThrownBy(() -> new CassandraClusterBuilder("127.0.0.1:9042", "LOCAL_SERIAL"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CassandraClusterBuilder("127.0.0.1:9042", "MOST"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
