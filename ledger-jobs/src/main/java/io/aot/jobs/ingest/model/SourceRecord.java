package io.aot.jobs.ingest.model;

/**
 * A Kafka record exactly as read: its coordinates, broker timestamp and raw value. Decoding happens in the job, so
 * bytes that do not decode become a rejection with their source offset instead of failing the source.
 * A Flink POJO (public fields, no-arg constructor) so it travels with Flink's own serializer.
 */
public class SourceRecord {
    public String topic;
    public int partition;
    public long offset;
    /** The broker's record timestamp: when the gateway (or simulator) produced it. */
    public long timestampMillis;
    public String key;
    public byte[] value;

    public SourceRecord() {
    }

    public SourceRecord(String topic, int partition, long offset, long timestampMillis, String key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMillis = timestampMillis;
        this.key = key;
        this.value = value;
    }

    public String coordinates() {
        return topic + "/" + partition + "/" + offset;
    }
}
