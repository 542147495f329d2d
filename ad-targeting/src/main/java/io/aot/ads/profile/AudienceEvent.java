package io.aot.ads.profile;

/**
 * What the profiles learn from one committed transaction or one opt-out request, with the customer already a
 * pseudonym (the raw token never leaves the Kafka source). A Flink POJO.
 */
public class AudienceEvent {

    public enum Kind { PAYMENT, REFUND, POINT_SWAP, AOT_RECEIVED, OPT_OUT, OPT_IN }

    /** HMAC pseudonym {@code keyId:hex} of the customer token (or wallet). */
    public String member;
    public Kind kind;
    public long eventTimeMillis;
    /** {@code io.aot.avro.MerchantCategory} name, for payments and refunds. */
    public String category;
    /** {@code io.aot.avro.Region} name. */
    public String region;
    /** {@code io.aot.avro.PaymentMethod} name. */
    public String method;
    /** KRW amount of a KRW payment or refund; 0 for other currencies. */
    public long amountKrw;
    /** Paid with the AOT coin. */
    public boolean paidWithAot;

    public AudienceEvent() {
    }

    public static AudienceEvent of(String member, Kind kind, long eventTimeMillis) {
        AudienceEvent e = new AudienceEvent();
        e.member = member;
        e.kind = kind;
        e.eventTimeMillis = eventTimeMillis;
        return e;
    }

    public static AudienceEvent payment(String member, long eventTimeMillis, String category, String region,
            String method, long amountKrw, boolean paidWithAot) {
        AudienceEvent e = of(member, Kind.PAYMENT, eventTimeMillis);
        e.category = category;
        e.region = region;
        e.method = method;
        e.amountKrw = amountKrw;
        e.paidWithAot = paidWithAot;
        return e;
    }

    @Override
    public String toString() {
        return kind + "(" + member + " @" + eventTimeMillis + " " + category + " " + region + " " + method + " "
                + amountKrw + (paidWithAot ? " AOT" : "") + ")";
    }
}
