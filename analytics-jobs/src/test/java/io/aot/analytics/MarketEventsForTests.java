package io.aot.analytics;

import io.aot.analytics.model.MarketEvent;
import java.math.BigInteger;
import java.time.Instant;

/** Hand-made events for operator tests. */
public final class MarketEventsForTests {

    private MarketEventsForTests() {
    }

    public static MarketEvent payment(String txId, String merchant, String customer, long krw, Instant at) {
        MarketEvent e = new MarketEvent();
        e.txId = txId;
        e.kind = "PAYMENT";
        e.resultCode = "OK";
        e.eventTimeMillis = at.toEpochMilli();
        e.merchantId = merchant;
        e.merchantCategory = "CAFE";
        e.region = "SEOUL";
        e.acquirerId = "ACQ-1";
        e.terminalId = merchant + "-T0";
        e.method = "NFC_PHONE_WALLET";
        e.walletProvider = "SAMSUNG_PAY";
        e.currency = "KRW";
        e.amountMinor = BigInteger.valueOf(krw);
        e.customer = customer;
        return e;
    }

    public static MarketEvent in(MarketEvent e, String region) {
        e.region = region;
        return e;
    }

    public static MarketEvent as(MarketEvent e, String kind, String result) {
        e.kind = kind;
        e.resultCode = result;
        return e;
    }
}
