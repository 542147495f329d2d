package io.aot.ads.segment;

/** A segment's size and whether it is published (size >= k), for the {@code segments} table. A Flink POJO. */
public class SegmentStatus {
    public String segmentId;
    public int segmentVersion;
    public long memberCount;
    public boolean published;
    public long updatedAtMillis;

    public SegmentStatus() {
    }
}
