package io.aot.ads.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmQuintiles;
import io.aot.avro.MembershipChangeType;
import io.aot.avro.SegmentMembershipChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class MembershipAndPublicationTest {

    static final String V1 = "{\"segments\": [{\"id\": \"frequent\", \"version\": 1, \"all\": [{\"field\": "
            + "\"frequency30d\", \"gte\": 3}]}, {\"id\": \"seoul\", \"all\": [{\"field\": \"homeRegion\", \"eq\": \"SEOUL\"}]}]}";
    static final String V2 = "{\"segments\": [{\"id\": \"frequent\", \"version\": 2, \"all\": [{\"field\": "
            + "\"frequency30d\", \"gte\": 5}]}]}";

    static ProfileSnapshot profile(String member, int frequency30, String region) {
        ProfileSnapshot p = new ProfileSnapshot();
        p.member = member;
        p.recencyDays = 0;
        p.frequency30 = frequency30;
        p.frequency90 = frequency30;
        p.homeRegion = region;
        return p;
    }

    static List<MembershipDelta> evaluate(MemberState m, String catalog) {
        List<MembershipDelta> out = new ArrayList<>();
        MembershipFunction.evaluate(m, SegmentCatalog.parse(catalog), new RfmQuintiles(), new Collector<>() {
            public void collect(MembershipDelta d) {
                out.add(d);
            }

            public void close() {
            }
        });
        return out;
    }

    @Test
    void customersEnterAndLeaveSegmentsWithTheReason() {
        MemberState m = new MemberState();
        m.profile = profile("k:a", 3, "SEOUL");
        assertThat(evaluate(m, V1)).extracting(Object::toString)
                .containsExactly("+frequent@1 k:a QUALIFIED", "+seoul@1 k:a QUALIFIED");
        assertThat(evaluate(m, V1)).as("nothing changed: nothing emitted").isEmpty();
        m.profile = profile("k:a", 2, "SEOUL");
        assertThat(evaluate(m, V1)).extracting(Object::toString)
                .containsExactly("-frequent@1 k:a NO_LONGER_QUALIFIED");
        m.profile = profile("k:a", 6, "SEOUL");
        assertThat(evaluate(m, V1)).extracting(Object::toString).containsExactly("+frequent@1 k:a QUALIFIED");
        // A new definitions file: "frequent" tightened to version 2 (still matches), "seoul" removed.
        assertThat(evaluate(m, V2)).extracting(Object::toString)
                .containsExactly("+frequent@2 k:a DEFINITION_CHANGED", "-seoul@1 k:a DEFINITION_REMOVED");
        m.profile = profile("k:a", 4, "SEOUL");
        assertThat(evaluate(m, V2)).extracting(Object::toString)
                .containsExactly("-frequent@2 k:a NO_LONGER_QUALIFIED");
        MemberState b = new MemberState();
        b.profile = profile("k:b", 9, "BUSAN");
        evaluate(b, V1);
        b.profile = profile("k:b", 0, "BUSAN");
        b.profile.optedOut = true;
        assertThat(evaluate(b, V1)).extracting(Object::toString).containsExactly("-frequent@1 k:b OPTED_OUT");
        MemberState c = new MemberState();
        c.profile = profile("k:c", 9, "SEOUL");
        evaluate(c, V1);
        c.profile.expired = true;
        assertThat(evaluate(c, V1)).extracting(Object::toString)
                .containsExactly("-frequent@1 k:c EXPIRED", "-seoul@1 k:c EXPIRED");
    }

    static KeyedOneInputStreamOperatorTestHarness<String, MembershipDelta, SegmentMembershipChange> gate(int k)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PublicationFunction(k, 1_000, "k1")), d -> d.segmentId, Types.STRING);
        h.open();
        return h;
    }

    static Set<String> published(List<SegmentMembershipChange> changes) {
        Set<String> members = new HashSet<>();
        for (SegmentMembershipChange c : changes) {
            if (c.getChange() == MembershipChangeType.ADD) {
                members.add(c.getMemberPseudonym().toString());
            } else {
                members.remove(c.getMemberPseudonym().toString());
            }
        }
        return members;
    }

    @Test
    void aSegmentIsPublishedOnlyWhileItHasAtLeastKMembers() throws Exception {
        int k = 50;
        try (var h = gate(k)) {
            for (int i = 0; i < k - 1; i++) {
                h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m" + i, true, "QUALIFIED")));
            }
            assertThat(h.extractOutputValues()).as("49 members: nothing published").isEmpty();
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m49", true, "QUALIFIED")));
            assertThat(published(h.extractOutputValues())).as("the 50th publishes all").hasSize(50);
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m50", true, "QUALIFIED")));
            assertThat(published(h.extractOutputValues())).hasSize(51);
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m0", false, "OPTED_OUT")));
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m1", false, "NO_LONGER_QUALIFIED")));
            List<SegmentMembershipChange> all = h.extractOutputValues();
            assertThat(published(all)).as("49 left: every member withdrawn").isEmpty();
            assertThat(all.subList(all.size() - 49, all.size())).allSatisfy(c -> {
                assertThat(c.getChange()).isEqualTo(MembershipChangeType.REMOVE);
                assertThat(c.getReason().toString()).isEqualTo("BELOW_K_THRESHOLD");
            });
            assertThat(all.get(all.size() - 50).getReason().toString()).isEqualTo("NO_LONGER_QUALIFIED");
            assertThat(all).allSatisfy(c -> assertThat(c.getPseudonymKeyId().toString()).isEqualTo("k1"));
            // A repeated remove (at-least-once replay upstream) changes nothing; back to 50 republishes.
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m1", false, "NO_LONGER_QUALIFIED")));
            h.processElement(new StreamRecord<>(MembershipDelta.of("s", 1, "k1:m0", true, "QUALIFIED")));
            assertThat(published(h.extractOutputValues())).hasSize(50);
            h.setProcessingTime(2_000);
            SegmentStatus status = h.getSideOutput(PublicationFunction.STATUS).poll().getValue();
            assertThat(status.memberCount).isEqualTo(50);
            assertThat(status.published).isTrue();
        }
    }

    @Test
    void kBelowFiftyIsRefused() {
        assertThatThrownBy(() -> new PublicationFunction(49, 1_000, "k1")).hasMessageContaining("floor of 50");
    }
}
