package io.aot.ads.segment;

/** One customer entering or leaving one segment, before the k-anonymity gate. A Flink POJO. */
public class MembershipDelta {

    public static final String QUALIFIED = "QUALIFIED";
    public static final String NO_LONGER_QUALIFIED = "NO_LONGER_QUALIFIED";
    public static final String OPTED_OUT = "OPTED_OUT";
    public static final String EXPIRED = "EXPIRED";
    public static final String DEFINITION_CHANGED = "DEFINITION_CHANGED";
    public static final String DEFINITION_REMOVED = "DEFINITION_REMOVED";
    public static final String BELOW_K_THRESHOLD = "BELOW_K_THRESHOLD";

    public String segmentId;
    public int segmentVersion;
    public String member;
    public boolean add;
    public String reason;

    public MembershipDelta() {
    }

    public static MembershipDelta of(String segmentId, int version, String member, boolean add, String reason) {
        MembershipDelta d = new MembershipDelta();
        d.segmentId = segmentId;
        d.segmentVersion = version;
        d.member = member;
        d.add = add;
        d.reason = reason;
        return d;
    }

    @Override
    public String toString() {
        return (add ? "+" : "-") + segmentId + "@" + segmentVersion + " " + member + " " + reason;
    }
}
