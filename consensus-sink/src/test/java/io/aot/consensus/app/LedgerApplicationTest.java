package io.aot.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.ledger.money.Asset;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.state.Accounts;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerApplicationTest {

    private static byte[] card(String id, long krw) {
        return AvroCodec.of(TerminalPayment.class).encode(TerminalPayment.newBuilder()
                .setTxId(id).setKind(TransactionKind.PAYMENT).setTerminalId("T1").setTerminalSequence(1)
                .setMerchantId("M1").setMerchantCategory(MerchantCategory.CAFE).setRegion(Region.SEOUL)
                .setAcquirerId("ACQ1").setMethod(PaymentMethod.NFC_PHONE_WALLET).setWalletProvider(WalletProvider.SAMSUNG_PAY)
                .setAmount(new Money(BigDecimal.valueOf(krw), Currency.KRW)).setCustomerToken("tok")
                .setCreatedAtMillis(Instant.EPOCH).setKeyId("T1#1").setSignatureAlgorithm(SignatureAlgorithm.ED25519)
                .setSignature(ByteBuffer.wrap(new byte[64])).build());
    }

    static LedgerApplication app() {
        return new LedgerApplication(new LedgerGenesis(Map.of(), Map.of(), Map.of(), List.of(), Rate.of(1, 1),
                Rate.of(1, 1)), 64 * 1024);
    }

    private static BlockHeader header(long h, List<byte[]> txs, Hash appHash) {
        return new BlockHeader("c", h, 1000 * h, null, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH, appHash, "a", Hash.ZERO, txs.size());
    }

    @Test
    void executesBlocksThroughTheLedgerWithResultsPerTransaction() {
        LedgerApplication app = app();
        List<byte[]> garbage = List.of(card("p1", 5_000), new byte[] {1, 2, 3});
        assertThat(app.processProposal(header(1, garbage, app.lastAppHash()), garbage)).isFalse(); // not a transaction
        // A zero amount is a transaction with a bad amount: admitted, then refused in its block with a recorded code.
        // (Refused at admission it used to vanish: recorded in no block, published nowhere.)
        List<byte[]> good = List.of(card("p1", 5_000), card("p1", 5_000), card("p2", 0));
        assertThat(app.checkTx(card("p2", 0)).accepted()).isTrue();
        assertThat(app.processProposal(header(1, good, app.lastAppHash()), good)).isTrue();

        Application.BlockResult result = app.finalizeBlock(header(1, good, app.lastAppHash()), good);
        app.commit();

        assertThat(result.txResults()).extracting(Application.TxResult::code)
                .containsExactly("OK", "DUPLICATE_TX", "AMOUNT_OUT_OF_RANGE");
        assertThat(app.lastAppHash()).isEqualTo(result.appHash());
        assertThat(app.lastCommittedHeight()).isEqualTo(1);
        assertThat(app.ledger().balance(Accounts.merchant("M1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(5_000));
        assertThat(app.checkTx(new byte[] {1})).isEqualTo(Application.TxCheck.refused("DECODE_BAD_HEADER"));
    }

    @Test
    void twoValidatorsReachTheSameAppHash() {
        LedgerApplication a = app();
        LedgerApplication b = app();
        List<byte[]> txs = List.of(card("p1", 5_000), card("p2", 7_000));
        Hash ha = a.finalizeBlock(header(1, txs, a.lastAppHash()), txs).appHash();
        Hash hb = b.finalizeBlock(header(1, txs, b.lastAppHash()), txs).appHash();
        assertThat(ha).isEqualTo(hb);
    }

    /** What production restarts from: the ledger behind the application interface, through its snapshot bytes. */
    @Test
    void aRestoredLedgerApplicationAnswersLaterBlocksAsTheOriginal() {
        LedgerApplication original = app();
        for (int h = 1; h <= 5; h++) {
            List<byte[]> txs = List.of(card("p" + h, 1_000L * h), card("p" + (h - 1), 10));
            original.finalizeBlock(header(h, txs, original.lastAppHash()), txs);
            original.commit();
        }
        byte[] snapshot = original.snapshot();
        LedgerApplication restored = LedgerApplication.restore(new LedgerGenesis(Map.of(), Map.of(), Map.of(),
                List.of(), Rate.of(1, 1), Rate.of(1, 1)), 64 * 1024, snapshot);
        assertThat(restored.lastCommittedHeight()).isEqualTo(5);
        assertThat(restored.lastAppHash()).isEqualTo(original.lastAppHash());
        assertThat(restored.snapshot()).isEqualTo(snapshot);

        List<byte[]> later = List.of(card("p5", 1), card("p6", 6_000), card("p3", 3));
        Application.BlockResult a = original.finalizeBlock(header(6, later, original.lastAppHash()), later);
        Application.BlockResult b = restored.finalizeBlock(header(6, later, restored.lastAppHash()), later);
        assertThat(b.txResults()).isEqualTo(a.txResults());
        assertThat(a.txResults()).extracting(Application.TxResult::code).containsExactly("DUPLICATE_TX", "OK",
                "DUPLICATE_TX");
        assertThat(b.appHash()).isEqualTo(a.appHash());
        original.commit();
        restored.commit();
        assertThat(restored.ledger().balances()).isEqualTo(original.ledger().balances());
    }
}
