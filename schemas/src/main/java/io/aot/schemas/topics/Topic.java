package io.aot.schemas.topics;

import io.aot.avro.ChainFollowerPosition;
import io.aot.avro.ChainTransfer;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.MarketAlert;
import io.aot.avro.OptOut;
import io.aot.avro.Rejection;
import io.aot.avro.SegmentMembershipChange;
import io.aot.avro.TerminalPayment;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topic catalog: every Kafka topic of the platform, with its key, value record, partitions and retention.
 * Values are single-object-encoded Avro of {@link #valueType()}.
 */
public enum Topic {
    /**
     * Record time = the gateway's receipt time ({@link #producerTimed()}): the ingest job's {@code CLOCK_SKEW} check
     * compares it with the device's creation time.
     */
    TERMINAL_TX("aot.terminal.tx.v1", "terminal id", TerminalPayment.class, 12, Duration.ofDays(7), false),
    CHAIN_TX("aot.chain.tx.v1", "tx hash", ChainTransfer.class, 6, Duration.ofDays(7), false),
    /** Compacted: each chain follower's position, written in the transaction of the transfers it covers. */
    CHAIN_FOLLOWER_POSITION("aot.chain.follower.position.v1", "follower id", ChainFollowerPosition.class, 1, null, true),
    TX_REJECTED("aot.tx.rejected.v1", "tx id, else source topic-partition-offset", Rejection.class, 3,
            Duration.ofDays(30), false),
    LEDGER_COMMITTED("aot.ledger.committed.v1", "tx id", CommittedTransaction.class, 12, Duration.ofDays(30), false),
    AUDIENCE_SEGMENTS("aot.audience.segments.v1", "segment id", SegmentMembershipChange.class, 6,
            Duration.ofDays(30), false),
    /** Compacted: the latest opt-out state per customer is kept forever. */
    ADS_OPT_OUT("aot.ads.optout.v1", "customer token digest", OptOut.class, 3, null, true),
    ANALYTICS_ALERTS("aot.analytics.alerts.v1", "alert id", MarketAlert.class, 3, Duration.ofDays(30), false);

    /**
     * How far before the broker's clock a producer-timed record's timestamp may be: older ones are refused at the
     * produce call ({@code InvalidTimestampException}). Retention counts from a record's timestamp, so without this
     * bound a record stamped more than {@link #retention()} ago is accepted and then deleted by the next retention
     * check, before any consumer reads it (this lost a tenth of the demo's payments once its fixed simulated day was a
     * week old). With it, an accepted record is kept at least retention minus this (4 days).
     */
    public static final Duration MAX_RECORD_TIMESTAMP_AGE = Duration.ofDays(3);

    /** How far after the broker's clock a producer-timed record's timestamp may be (a future stamp pins its segment). */
    public static final Duration MAX_RECORD_TIMESTAMP_LEAD = Duration.ofHours(1);

    /** Largest value a topic accepts; matches the codecs' default limit. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final String baseName;
    private final String key;
    private final Class<? extends SpecificRecord> valueType;
    private final int partitions;
    private final Duration retention;
    private final boolean compacted;

    Topic(String baseName, String key, Class<? extends SpecificRecord> valueType, int partitions, Duration retention,
            boolean compacted) {
        this.baseName = baseName;
        this.key = key;
        this.valueType = valueType;
        this.partitions = partitions;
        this.retention = retention;
        this.compacted = compacted;
    }

    /** The production name, e.g. {@code aot.terminal.tx.v1}. */
    public String baseName() {
        return baseName;
    }

    /**
     * The name inside a namespace: tests and side-by-side deployments prefix topics ({@code ns.aot.terminal.tx.v1});
     * an empty namespace gives the production name.
     */
    public String nameIn(String namespace) {
        return namespace == null || namespace.isEmpty() ? baseName : namespace + "." + baseName;
    }

    public String key() {
        return key;
    }

    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    public int partitions() {
        return partitions;
    }

    /** Null when records are kept forever (compacted topics). */
    public Duration retention() {
        return retention;
    }

    public boolean compacted() {
        return compacted;
    }

    /**
     * True when producers set the record timestamp and consumers read it (Kafka {@code CreateTime}, bounded by
     * {@link #MAX_RECORD_TIMESTAMP_AGE} and {@link #MAX_RECORD_TIMESTAMP_LEAD}); false when the broker stamps the
     * append time ({@code LogAppendTime}): every time a consumer needs is in the value, and retention then always
     * counts from the write, whatever time a replaying job or a catching-up chain follower would have stamped.
     */
    public boolean producerTimed() {
        return this == TERMINAL_TX;
    }
}
