package io.aot.schemas;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Posting;
import io.aot.avro.PostingSide;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/** Realistic records for tests. */
public final class SampleRecords {

    /** 12,345.678901234567890123 AOT in 10^-18 units: more than 64 bits. */
    public static final BigInteger AOT_OVER_64_BITS = new BigInteger("12345678901234567890123");

    private SampleRecords() {
    }

    public static Money krw(long won) {
        return new Money(BigDecimal.valueOf(won), Currency.KRW);
    }

    public static Money aot(BigInteger minor) {
        return new Money(new BigDecimal(minor), Currency.AOT);
    }

    public static TerminalPayment cardPayment(String txId, long sequence) {
        return TerminalPayment.newBuilder()
                .setTxId(txId)
                .setKind(TransactionKind.PAYMENT)
                .setTerminalId("T-SEOUL-0001")
                .setTerminalSequence(sequence)
                .setMerchantId("M-CAFE-0042")
                .setMerchantCategory(MerchantCategory.CAFE)
                .setRegion(Region.SEOUL)
                .setAcquirerId("ACQ-SHINHAN")
                .setMethod(PaymentMethod.QR_APP_TO_APP)
                .setWalletProvider(WalletProvider.KAKAO_PAY)
                .setAmount(krw(4_500))
                .setCustomerToken("tok_7f3a9c0e")
                .setApprovalCode("30012345")
                .setCreatedAtMillis(java.time.Instant.parse("2026-11-23T01:02:03.004Z"))
                .setKeyId("T-SEOUL-0001#1")
                .setSignatureAlgorithm(SignatureAlgorithm.ED25519)
                .setSignature(ByteBuffer.wrap(new byte[64]))
                .build();
    }

    public static TerminalPayment aotCoinPayment(String txId, long sequence) {
        TerminalPayment p = cardPayment(txId, sequence);
        p.setMethod(PaymentMethod.AOT_COIN);
        p.setWalletProvider(WalletProvider.AOT_WALLET);
        p.setAmount(aot(AOT_OVER_64_BITS));
        p.setCustomerWallet("0x52908400098527886e0f7030069857d2e4169ee7");
        p.setCustomerSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        return p;
    }

    public static CommittedTransaction committed(String txId) {
        return CommittedTransaction.newBuilder()
                .setTxId(txId)
                .setKind(TransactionKind.PAYMENT)
                .setResultCode("OK")
                .setChainId("aot-local")
                .setHeight(7)
                .setIndexInBlock(3)
                .setBlockHash("ab".repeat(32))
                .setBlockTimeMillis(java.time.Instant.parse("2026-11-23T01:02:04Z"))
                .setEventTimeMillis(java.time.Instant.parse("2026-11-23T01:02:03Z"))
                .setMerchantId("M-CAFE-0042")
                .setAmount(krw(4_500))
                .setPostings(List.of(
                        new Posting("acquirer:ACQ-SHINHAN:receivable", PostingSide.DEBIT, krw(4_500)),
                        new Posting("merchant:M-CAFE-0042:KRW", PostingSide.CREDIT, krw(4_500))))
                .build();
    }
}
