package io.aot.ingestion.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.ChainTransfer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which records a receipt gives, and which one carries the transaction's fee (issue 19, items 1 and 2). */
class TransferExtractorTest {

    private static final String TOKEN = "0x1a3bd3f4c4ab0d1e2f3a4b5c6d7e8f9012345678";
    private static final String BLOCK = "0x" + "b".repeat(64);
    private static final String TX = "0x" + "1".repeat(64);
    private static final String SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
    private static final String OWNER = "0x7b65b75d204abed71587c9e519a89277766ee1d0";
    private static final String FEE_PAYER = "0x5a0043070275d9f6054307ee7348bd660849d90f";

    private static KlaytnRpc.ChainLog transfer(int logIndex, String from, String to, long amount) {
        return new KlaytnRpc.ChainLog(logIndex, TOKEN, List.of(TransferExtractor.TRANSFER_TOPIC, topic(from), topic(to)),
                "0x" + String.format("%064x", amount));
    }

    private static String topic(String address) {
        return "0x" + "0".repeat(24) + address.substring(2);
    }

    private static List<ChainTransfer> extract(String feePayer, Integer ratio, KlaytnRpc.ChainLog... logs) {
        KlaytnRpc.ChainReceipt r = new KlaytnRpc.ChainReceipt(TX, 0, BLOCK,
                "TxTypeFeeDelegatedSmartContractExecutionWithRatio", SENDER, TOKEN, feePayer, ratio, 55_000,
                BigInteger.valueOf(25_000_000_000L), "0x" + "2".repeat(64), true, List.of(logs));
        return new TransferExtractor(1001, TOKEN).extract(new KlaytnRpc.ChainBlock(7, BLOCK, 1_763_900_000L),
                List.of(r), 7, Instant.EPOCH);
    }

    @Test
    void theFeeRidesOnTheTransactionsFirstAotTransferLogOnly() {
        // logs out of order in the answer; a mint and a transferFrom (from != sender) in one transaction
        List<ChainTransfer> got = extract(FEE_PAYER, 30, transfer(5, OWNER, FEE_PAYER, 3),
                transfer(4, "0x0000000000000000000000000000000000000000", SENDER, 7));
        assertThat(got).extracting(ChainTransfer::getTransferId).containsExactly(TX + ":4", TX + ":5");
        assertThat(got).extracting(ChainTransfer::getChargesTxFee).containsExactly(true, false);
        assertThat(got).allSatisfy(t -> {
            assertThat(t.getSender()).isEqualTo(SENDER);
            assertThat(t.getFeeKlay().getAmountMinor()).isEqualByComparingTo(new BigDecimal("1375000000000000"));
            assertThat(t.getFeePayerShareKlay().getAmountMinor()).isEqualByComparingTo(new BigDecimal("412500000000000"));
        });
        assertThat(got.get(0).getFromAddress()).isEqualTo("0x0000000000000000000000000000000000000000");
        assertThat(got.get(1).getFromAddress()).isEqualTo(OWNER);
    }

    @Test
    void theFeePayersShareFollowsKaiasRule() {
        BigInteger fee = new BigInteger("1375000000000000");
        assertThat(TransferExtractor.feePayerSharePeb(fee, SENDER, FEE_PAYER, 30)).isEqualTo(new BigInteger("412500000000000"));
        assertThat(TransferExtractor.feePayerSharePeb(fee, SENDER, FEE_PAYER, null)).isEqualTo(fee); // full delegation
        assertThat(TransferExtractor.feePayerSharePeb(BigInteger.valueOf(199), SENDER, FEE_PAYER, 1))
                .isEqualTo(BigInteger.ONE); // rounded down: the sender pays the remainder
        assertThat(TransferExtractor.feePayerSharePeb(fee, SENDER, SENDER.toUpperCase().replace("0X", "0x"), 30)).isNull();
        assertThat(TransferExtractor.feePayerSharePeb(fee, SENDER, null, null)).isNull();
    }
}
