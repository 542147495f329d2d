package io.aot.analytics.source;

import io.aot.analytics.model.MarketEvent;

/**
 * What the Kafka source hands on: a decoded {@link MarketEvent}, or the coordinates, bytes and reason of a record that
 * did not decode (counted and sent to the rejection topic, never a reason to fail the job). A Flink POJO.
 */
public class MarketRecord {
    public MarketEvent event;
    public String topic;
    public int partition;
    public long offset;
    public byte[] badBytes;
    public String badReason;

    public MarketRecord() {
    }

    static MarketRecord ok(MarketEvent event) {
        MarketRecord r = new MarketRecord();
        r.event = event;
        return r;
    }

    static MarketRecord bad(String topic, int partition, long offset, byte[] bytes, String reason) {
        MarketRecord r = new MarketRecord();
        r.topic = topic;
        r.partition = partition;
        r.offset = offset;
        r.badBytes = bytes;
        r.badReason = reason;
        return r;
    }

    /** Event time for watermarks; a bad record has none, so it never moves the watermark. */
    public long eventTimeOrMin() {
        return event == null ? Long.MIN_VALUE : event.eventTimeMillis;
    }
}
