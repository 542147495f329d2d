package io.aot.analytics.model;

import java.math.BigInteger;

/**
 * One committed transaction as the analytics jobs see it: the facts they aggregate, with the customer already
 * pseudonymized (the raw token never leaves the Kafka source). Amounts are exact integers in minor units. A Flink POJO.
 */
public class MarketEvent {
    public String txId;
    /** {@code io.aot.avro.TransactionKind} name. */
    public String kind;
    /** OK, or the ledger's refusal code: refused transactions are counted, never aggregated. */
    public String resultCode;
    public long eventTimeMillis;
    public long height;
    public String merchantId;
    public String merchantCategory;
    public String region;
    public String acquirerId;
    public String terminalId;
    public String method;
    public String walletProvider;
    public String currency;
    public BigInteger amountMinor = BigInteger.ZERO;
    /** HMAC pseudonym of the customer token (else of the wallet); null when the transaction names neither. */
    public String customer;
    public String pointCompanyId;
    /** AOT paid out of point companies' reserves to the customer (point swaps). */
    public BigInteger swapAotMinor = BigInteger.ZERO;
    /** AOT cashback paid from the reward pool with this payment. */
    public BigInteger rewardAotMinor = BigInteger.ZERO;
    /** AOT charged for delegated Klaytn fees (chain transfers). */
    public BigInteger feeAotMinor = BigInteger.ZERO;

    public MarketEvent() {
    }

    public boolean ok() {
        return "OK".equals(resultCode);
    }

    public boolean is(String transactionKind) {
        return transactionKind.equals(kind);
    }
}
