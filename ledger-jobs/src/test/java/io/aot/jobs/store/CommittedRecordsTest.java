package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.ChainTransfer;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.TransactionKind;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.ledger.state.Accounts;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The committed record of a Klaytn transfer names the customer's wallet the ledger posted, never the zero address: the
 * ledger moves a mint (Transfer from 0x0) against {@code chain:<token>:supply} into the receiver's wallet, so the
 * customer is the receiver; a transfer and a burn belong to the wallet they leave (issue 19, item 2).
 */
class CommittedRecordsTest {

    private static final String TOKEN = "0x1a3bd3f4c4ab0d1e2f3a4b5c6d7e8f9012345678";
    private static final String ALICE = "0x1111111111111111111111111111111111111111";
    private static final String BOB = "0x2222222222222222222222222222222222222222";
    private static final String MINTER = "0x9999999999999999999999999999999999999999";
    private static final AvroCodec<ChainTransfer> CODEC = AvroCodec.of(ChainTransfer.class);

    private static CommittedTransaction committed(String from, String to) {
        Money amount = new Money(new BigDecimal("5000000000000000000"), Currency.AOT);
        ChainTransfer t = ChainTransfer.newBuilder().setTransferId("0xt1:0").setTxHash("0xt1").setLogIndex(0)
                .setChainId(8217).setBlockNumber(7).setBlockHash("0xb").setTxIndex(0)
                .setBlockTimeMillis(Instant.parse("2026-11-23T01:00:00Z")).setTxType("TxTypeSmartContractExecution")
                .setTokenContract(TOKEN).setFromAddress(from).setToAddress(to).setAmount(amount).setSender(MINTER)
                .setGasUsed(55_000).setGasPricePeb(BigDecimal.valueOf(25_000_000_000L))
                .setFeeKlay(new Money(new BigDecimal("1375000000000000"), Currency.KLAY)).setSucceeded(true)
                .setChargesTxFee(true).setObservedAtMillis(Instant.parse("2026-11-23T01:00:01Z")).build();
        String event = "transfer|" + Accounts.chainAccount(from, TOKEN) + "|" + Accounts.chainAccount(to, TOKEN)
                + "|AOT|5000000000000000000";
        CommittedTx c = new CommittedTx(3, 0, 1, "ab", Instant.parse("2026-11-23T01:00:02Z").toEpochMilli(), "OK",
                new String[] {event}, CODEC.encode(t));
        CommittedTransaction r = new CommittedRecords("c").toRecord(c);
        assertThat(r.getKind()).isEqualTo(TransactionKind.CHAIN_TRANSFER);
        return r;
    }

    @Test
    void aMintBelongsToTheWalletItCredits() {
        CommittedTransaction mint = committed(Accounts.ZERO_ADDRESS, ALICE);
        assertThat(mint.getCustomerWallet()).isEqualTo(ALICE);
        assertThat(mint.getPostings()).extracting(p -> p.getAccount() + " " + p.getSide())
                .containsExactly("wallet:" + ALICE + " DEBIT", "chain:" + TOKEN + ":supply CREDIT");
    }

    @Test
    void aMintFromAnUpperCaseZeroAddressToo() {
        assertThat(committed("0X0000000000000000000000000000000000000000", ALICE).getCustomerWallet())
                .isEqualTo(ALICE);
    }

    @Test
    void aTransferAndABurnBelongToTheWalletTheyLeave() {
        assertThat(committed(ALICE, BOB).getCustomerWallet()).isEqualTo(ALICE);
        assertThat(committed(BOB, Accounts.ZERO_ADDRESS).getCustomerWallet()).isEqualTo(BOB);
    }
}
