package io.aot.ads.source;

import io.aot.ads.profile.AudienceEvent;

/**
 * What the ad-targeting sources emit: an event for the profiles, nothing (a transaction that tells a profile nothing:
 * refused, or without a customer), or the coordinates and bytes of a record that did not decode. A Flink POJO.
 */
public class AudienceRecord {
    public AudienceEvent event;
    public String topic;
    public int partition;
    public long offset;
    public byte[] badBytes;
    public String badReason;

    public AudienceRecord() {
    }

    public static AudienceRecord ok(AudienceEvent event) {
        AudienceRecord r = new AudienceRecord();
        r.event = event;
        return r;
    }

    public static AudienceRecord bad(String topic, int partition, long offset, byte[] bytes, String reason) {
        AudienceRecord r = new AudienceRecord();
        r.topic = topic;
        r.partition = partition;
        r.offset = offset;
        r.badBytes = bytes;
        r.badReason = reason;
        return r;
    }

    public boolean isBad() {
        return badReason != null;
    }

    public long eventTimeOrMin() {
        return event == null ? Long.MIN_VALUE : event.eventTimeMillis;
    }
}
