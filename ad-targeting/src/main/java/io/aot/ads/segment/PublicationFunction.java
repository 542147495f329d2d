package io.aot.ads.segment;

import io.aot.avro.MembershipChangeType;
import io.aot.avro.SegmentMembershipChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The k-anonymity gate, per segment: a segment is published only while it has at least {@code k} members. Crossing k
 * upwards publishes every member; dropping below k withdraws every published member ({@code BELOW_K_THRESHOLD}).
 * While published, each entry and exit passes through. Everything it emits (topic and member tables) is therefore
 * the published membership. Sizes and the published flag go to a side output, at most every {@code statusEveryMs}.
 */
public final class PublicationFunction extends KeyedProcessFunction<String, MembershipDelta, SegmentMembershipChange> {

    private static final long serialVersionUID = 1L;
    /** Google's audience minimum is 100; Ads Data Hub's aggregation threshold, 50, is the floor for any setting. */
    public static final int DEFAULT_K = 100;
    public static final int MIN_K = 50;
    public static final OutputTag<SegmentStatus> STATUS = new OutputTag<>("segment-status",
            org.apache.flink.api.common.typeinfo.TypeInformation.of(SegmentStatus.class));

    private final int k;
    private final long statusEveryMs;
    private final String pseudonymKeyId;
    /** Member -> segment version that admitted them. */
    private transient MapState<String, Integer> members;
    private transient ValueState<Long> size;
    private transient ValueState<Boolean> published;
    private transient ValueState<Integer> version;
    private transient ValueState<Long> statusTimer;

    public PublicationFunction(int k, long statusEveryMs, String pseudonymKeyId) {
        if (k < MIN_K) {
            throw new IllegalArgumentException("k = " + k + " is below the floor of " + MIN_K
                    + " members per published segment");
        }
        this.k = k;
        this.statusEveryMs = statusEveryMs;
        this.pseudonymKeyId = pseudonymKeyId;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        io.aot.schemas.serde.AvroRuntimeGuards.install(); // Avro 1.12 refuses our records until trusted
        members = getRuntimeContext().getMapState(new MapStateDescriptor<>("members", Types.STRING, Types.INT));
        size = getRuntimeContext().getState(new ValueStateDescriptor<>("size", Types.LONG));
        published = getRuntimeContext().getState(new ValueStateDescriptor<>("published", Types.BOOLEAN));
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Types.INT));
        statusTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("status-timer", Types.LONG));
    }

    @Override
    public void processElement(MembershipDelta d, Context ctx, Collector<SegmentMembershipChange> out) throws Exception {
        long n = size.value() == null ? 0 : size.value();
        boolean isPublished = Boolean.TRUE.equals(published.value());
        long now = ctx.timerService().currentProcessingTime();
        Integer held = members.get(d.member);
        if (d.add) {
            members.put(d.member, d.segmentVersion);
            if (held == null) {
                n++;
            }
            if (isPublished) {
                out.collect(change(d.segmentId, d.segmentVersion, d.member, true, d.reason, now));
            } else if (n >= k) {
                for (Map.Entry<String, Integer> m : members.entries()) {
                    out.collect(change(d.segmentId, m.getValue(), m.getKey(), true, MembershipDelta.QUALIFIED, now));
                }
                isPublished = true;
            }
        } else if (held != null) {
            members.remove(d.member);
            n--;
            if (isPublished) {
                out.collect(change(d.segmentId, d.segmentVersion, d.member, false, d.reason, now));
                if (n < k) {
                    List<Map.Entry<String, Integer>> rest = new ArrayList<>();
                    members.entries().forEach(rest::add);
                    for (Map.Entry<String, Integer> m : rest) {
                        out.collect(change(d.segmentId, m.getValue(), m.getKey(), false,
                                MembershipDelta.BELOW_K_THRESHOLD, now));
                    }
                    isPublished = false;
                }
            }
        }
        if (n < 0) {
            throw new IllegalStateException(d.segmentId + ": size went negative");
        }
        size.update(n);
        published.update(isPublished);
        version.update(d.segmentVersion);
        if (statusTimer.value() == null) {
            statusTimer.update(now + statusEveryMs);
            ctx.timerService().registerProcessingTimeTimer(now + statusEveryMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentMembershipChange> out) throws Exception {
        statusTimer.clear();
        SegmentStatus s = new SegmentStatus();
        s.segmentId = ctx.getCurrentKey();
        s.segmentVersion = version.value();
        s.memberCount = size.value();
        s.published = Boolean.TRUE.equals(published.value());
        s.updatedAtMillis = timestamp;
        ctx.output(STATUS, s);
    }

    private SegmentMembershipChange change(String segment, int segmentVersion, String member, boolean add,
            String reason, long atMillis) {
        return SegmentMembershipChange.newBuilder().setSegmentId(segment).setSegmentVersion(segmentVersion)
                .setMemberPseudonym(member).setPseudonymKeyId(pseudonymKeyId)
                .setChange(add ? MembershipChangeType.ADD : MembershipChangeType.REMOVE).setReason(reason)
                .setChangedAtMillis(Instant.ofEpochMilli(atMillis)).build();
    }
}
