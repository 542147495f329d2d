package io.aot.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/** Checks every job's shape test makes on its graph and its types (issue #18 item 6). */
public final class JobGraphChecks {

    private JobGraphChecks() {
    }

    /** Every operator with keyed state names its max parallelism: the key-group layout of its savepoints. */
    public static void keyedOperatorsFixTheirMaxParallelism(StreamGraph graph) {
        assertThat(graph.getStreamNodes()).filteredOn(n -> n.getStatePartitioners().length > 0).isNotEmpty()
                .allSatisfy(n -> assertThat(maxParallelism(n)).as(n.getOperatorName())
                        .isEqualTo(JobDefaults.MAX_PARALLELISM));
    }

    /** Each type is a POJO whose serializer, fields included, needs no Kryo (which JobDefaults turns off). */
    public static void serializeWithoutKryo(Class<?>... types) {
        ExecutionConfig noKryo = new ExecutionConfig();
        noKryo.disableGenericTypes(); // a field Flink would hand to Kryo fails here
        for (Class<?> type : types) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getName()).isInstanceOf(PojoTypeInfo.class);
            assertThatCode(() -> info.createSerializer(noKryo.getSerializerConfig())).as(type.getName())
                    .doesNotThrowAnyException();
        }
    }

    /** StreamNode keeps it package-private; the job graph would show only chain heads. */
    private static int maxParallelism(StreamNode node) {
        try {
            var getter = StreamNode.class.getDeclaredMethod("getMaxParallelism");
            getter.setAccessible(true);
            return (int) getter.invoke(node);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
