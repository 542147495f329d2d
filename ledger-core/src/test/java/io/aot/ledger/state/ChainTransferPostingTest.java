package io.aot.ledger.state;

import static io.aot.ledger.state.LedgerFixtures.AOT;
import static io.aot.ledger.state.LedgerFixtures.W1;
import static io.aot.ledger.state.LedgerFixtures.W2;
import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.ChainTransfer;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.ledger.money.Asset;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Klaytn transfers in the ledger: the fee is the transaction's (the fee payer's share, charged once, to the sender),
 * transfers are per log, mints and burns move against the token's supply account (issue 19, items 1 and 2).
 * The genesis converts 1 peb of KLAY to 2 AOT minor units (aotPerKlay 2/1); W1 holds 1,000 AOT, W2 10 AOT.
 */
class ChainTransferPostingTest {

    private static final String TOKEN = "0x1a3bd3f4c4ab0d1e2f3a4b5c6d7e8f9012345678";
    private static final String ZERO = "0x0000000000000000000000000000000000000000";
    private static final String W3 = "0x3333333333333333333333333333333333333333";
    private static final String FEE_PAYER = "0x5a0043070275d9f6054307ee7348bd660849d90f";
    /** The case: type 0x32, gasUsed 0xd6d8 (55,000) x 25 ston = 1,375,000,000,000,000 peb, feeRatio 30. */
    private static final BigInteger FEE_PEB = new BigInteger("1375000000000000");
    private static final BigInteger FEE_PAYER_SHARE_PEB = new BigInteger("412500000000000");
    private static final AvroCodec<ChainTransfer> CODEC = AvroCodec.of(ChainTransfer.class);

    private final LedgerStateMachine ledger = new LedgerStateMachine(LedgerFixtures.genesis());

    private static ChainTransfer.Builder log(String txHash, int logIndex, String sender, String from, String to,
            BigInteger aot) {
        return ChainTransfer.newBuilder().setTransferId(txHash + ":" + logIndex).setTxHash(txHash).setLogIndex(logIndex)
                .setChainId(8217).setBlockNumber(1).setBlockHash("0xb").setTxIndex(0).setBlockTimeMillis(Instant.EPOCH)
                .setTxType("TxTypeFeeDelegatedSmartContractExecutionWithRatio").setTokenContract(TOKEN)
                .setFromAddress(from).setToAddress(to).setAmount(new Money(new BigDecimal(aot), Currency.AOT))
                .setSender(sender).setFeePayer(FEE_PAYER).setFeeRatioPercent(30).setGasUsed(55_000)
                .setGasPricePeb(BigDecimal.valueOf(25_000_000_000L))
                .setFeeKlay(new Money(new BigDecimal(FEE_PEB), Currency.KLAY))
                .setFeePayerShareKlay(new Money(new BigDecimal(FEE_PAYER_SHARE_PEB), Currency.KLAY))
                .setChargesTxFee(logIndex == 0).setSucceeded(true).setObservedAtMillis(Instant.EPOCH);
    }

    private List<String> post(ChainTransfer.Builder... records) {
        List<byte[]> txs = java.util.Arrays.stream(records).map(b -> CODEC.encode(b.build())).toList();
        List<String> codes = ledger.execute(ledger.height() + 1, 1_000, txs).outcomes().stream()
                .map(LedgerStateMachine.Outcome::code).toList();
        ledger.commit();
        return codes;
    }

    private BigInteger aot(String account) {
        return ledger.balance(account, Asset.AOT);
    }

    @Test
    void partialDelegationChargesTheSenderOnlyTheFeePayersShare() {
        assertThat(post(log("0xt1", 0, W1, W1, W2, AOT))).containsExactly("OK");

        BigInteger feeAot = FEE_PAYER_SHARE_PEB.multiply(BigInteger.TWO); // aotPerKlay(412,500,000,000,000 peb)
        assertThat(aot(Accounts.feePayer(FEE_PAYER))).isEqualTo(feeAot);
        assertThat(aot(Accounts.wallet(W1))).isEqualTo(AOT.multiply(BigInteger.valueOf(999)).subtract(feeAot));
        assertThat(aot(Accounts.wallet(W2))).isEqualTo(AOT.multiply(BigInteger.valueOf(11)));
    }

    @Test
    void aSenderThatIsItsOwnFeePayerHasNoAotFeeLeg() {
        assertThat(post(log("0xt1", 0, W1, W1, W2, AOT).setFeePayer(W1))).containsExactly("OK");

        assertThat(aot(Accounts.feePayer(FEE_PAYER))).isZero();
        assertThat(aot(Accounts.feePayer(W1))).isZero();
        assertThat(aot(Accounts.wallet(W1))).isEqualTo(AOT.multiply(BigInteger.valueOf(999)));
    }

    @Test
    void aTransactionWithTwoTransferLogsPaysItsFeeOnce() {
        assertThat(post(log("0xt1", 0, W1, W1, W2, AOT), log("0xt1", 1, W1, W1, W3, AOT))).containsExactly("OK", "OK");

        BigInteger feeAot = FEE_PAYER_SHARE_PEB.multiply(BigInteger.TWO);
        assertThat(aot(Accounts.feePayer(FEE_PAYER))).isEqualTo(feeAot);
        assertThat(aot(Accounts.wallet(W1))).isEqualTo(AOT.multiply(BigInteger.valueOf(998)).subtract(feeAot));
        assertThat(aot(Accounts.wallet(W3))).isEqualTo(AOT);
    }

    @Test
    void mintsAndBurnsMoveAgainstTheTokensSupplyAccount() {
        // the minting transaction's sender (the token's minter, W1) pays the fee; nothing is charged to 0x0
        assertThat(post(log("0xm", 0, W1, ZERO, W3, AOT.multiply(BigInteger.valueOf(5))))).containsExactly("OK");
        assertThat(aot(Accounts.wallet(W3))).isEqualTo(AOT.multiply(BigInteger.valueOf(5)));
        assertThat(aot(Accounts.tokenSupply(TOKEN))).isEqualTo(AOT.multiply(BigInteger.valueOf(-5)));
        assertThat(aot(Accounts.wallet(ZERO))).isZero();

        assertThat(post(log("0xb", 0, W3, W3, ZERO, AOT.multiply(BigInteger.TWO)).setFeePayer(null)
                .setFeePayerShareKlay(null))).containsExactly("OK");
        assertThat(aot(Accounts.wallet(W3))).isEqualTo(AOT.multiply(BigInteger.valueOf(3)));
        assertThat(aot(Accounts.tokenSupply(TOKEN))).isEqualTo(AOT.multiply(BigInteger.valueOf(-3)));
    }

    @Test
    void transferFromMovesTheOwnersTokensAndChargesTheFeeToTheSender() {
        // W2 (the spender, sender of the tx) moves 1 AOT of W1's to W3 by transferFrom
        assertThat(post(log("0xt1", 0, W2, W1, W3, AOT))).containsExactly("OK");

        BigInteger feeAot = FEE_PAYER_SHARE_PEB.multiply(BigInteger.TWO);
        assertThat(aot(Accounts.wallet(W1))).isEqualTo(AOT.multiply(BigInteger.valueOf(999)));
        assertThat(aot(Accounts.wallet(W2))).isEqualTo(AOT.multiply(BigInteger.TEN).subtract(feeAot));
        assertThat(aot(Accounts.wallet(W3))).isEqualTo(AOT);
    }

    @Test
    void aWalletThatCannotPayItsTransferAndTheFeeTogetherIsRefusedWithNoLeg() {
        // W2 holds exactly 10 AOT: 10 AOT out plus the fee is too much; nothing moves
        assertThat(post(log("0xt1", 0, W2, W2, W3, AOT.multiply(BigInteger.TEN)))).containsExactly("INSUFFICIENT_FUNDS");
        assertThat(aot(Accounts.wallet(W2))).isEqualTo(AOT.multiply(BigInteger.TEN));
        assertThat(aot(Accounts.feePayer(FEE_PAYER))).isZero();
    }
}
