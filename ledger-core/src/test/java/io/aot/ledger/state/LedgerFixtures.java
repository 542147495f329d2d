package io.aot.ledger.state;

import io.aot.avro.ChainTransfer;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.ledger.money.Asset;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.rules.RewardRule;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** A small world: two wallets with keys, a funded reward pool and point company, one reward rule. */
final class LedgerFixtures {

    static final BigInteger AOT = BigInteger.TEN.pow(18);
    static final String W1 = "0x1111111111111111111111111111111111111111";
    static final String W2 = "0x2222222222222222222222222222222222222222";
    static final String POINT_CO = "OKCASHBAG";
    static final Map<String, Ed25519PrivateKeyParameters> WALLET_KEYS = new LinkedHashMap<>();

    static {
        WALLET_KEYS.put(W1, new Ed25519PrivateKeyParameters(seed(1), 0));
        WALLET_KEYS.put(W2, new Ed25519PrivateKeyParameters(seed(2), 0));
    }

    private static final AvroCodec<TerminalPayment> PAYMENTS = AvroCodec.of(TerminalPayment.class);
    private static final AvroCodec<ChainTransfer> CHAIN = AvroCodec.of(ChainTransfer.class);

    private LedgerFixtures() {
    }

    private static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        return s;
    }

    static LedgerGenesis genesis() {
        Map<String, Map<Asset, BigInteger>> balances = new TreeMap<>();
        balances.put(Accounts.wallet(W1), Map.of(Asset.AOT, AOT.multiply(BigInteger.valueOf(1000))));
        balances.put(Accounts.wallet(W2), Map.of(Asset.AOT, AOT.multiply(BigInteger.valueOf(10))));
        balances.put(Accounts.REWARD_POOL, Map.of(Asset.AOT, AOT.multiply(BigInteger.valueOf(1_000_000))));
        balances.put(Accounts.pointsReserve(POINT_CO), Map.of(Asset.AOT, AOT.multiply(BigInteger.valueOf(50))));
        balances.put(Accounts.ISSUANCE, Map.of(Asset.AOT, AOT.multiply(BigInteger.valueOf(-1_001_060))));
        Map<String, byte[]> keys = new TreeMap<>();
        WALLET_KEYS.forEach((w, k) -> keys.put(w, k.generatePublicKey().getEncoded()));
        return new LedgerGenesis(balances, keys,
                Map.of(POINT_CO, Rate.of(AOT.divide(BigInteger.valueOf(100)), BigInteger.ONE)),
                List.of(new RewardRule(MerchantCategory.CAFE, BigInteger.valueOf(3000), 100)),
                // 1 KRW = 0.001 AOT; 1 peb of KLAY = 2 AOT minor units
                Rate.of(AOT.divide(BigInteger.valueOf(1000)), BigInteger.ONE), Rate.of(2, 1));
    }

    static TerminalPayment.Builder payment(String txId, TransactionKind kind, PaymentMethod method, Currency currency,
            BigInteger amount) {
        return TerminalPayment.newBuilder()
                .setTxId(txId).setKind(kind).setTerminalId("T1").setTerminalSequence(1)
                .setMerchantId("M1").setMerchantCategory(MerchantCategory.CAFE).setRegion(Region.SEOUL)
                .setAcquirerId("ACQ1").setMethod(method).setWalletProvider(WalletProvider.NONE)
                .setAmount(new Money(new BigDecimal(amount), currency)).setCustomerToken("tok")
                .setCreatedAtMillis(Instant.EPOCH).setKeyId("T1#1").setSignatureAlgorithm(SignatureAlgorithm.ED25519)
                .setSignature(ByteBuffer.wrap(new byte[64]));
    }

    static byte[] card(String txId, long krw, String wallet) {
        return encode(payment(txId, TransactionKind.PAYMENT, PaymentMethod.IC_CHIP, Currency.KRW, BigInteger.valueOf(krw))
                .setCustomerWallet(wallet).build());
    }

    static byte[] coin(String txId, BigInteger aot, String wallet) {
        return encode(signed(payment(txId, TransactionKind.PAYMENT, PaymentMethod.AOT_COIN, Currency.AOT, aot)
                .setCustomerWallet(wallet).build()));
    }

    static byte[] refund(String txId, String original, Currency currency, BigInteger amount) {
        return encode(payment(txId, TransactionKind.REFUND, PaymentMethod.IC_CHIP, currency, amount)
                .setOriginalTxId(original).build());
    }

    static byte[] swap(String txId, long points, String wallet) {
        return encode(signed(payment(txId, TransactionKind.POINT_SWAP, PaymentMethod.AOT_COIN, Currency.POINT,
                BigInteger.valueOf(points)).setCustomerWallet(wallet).setPointCompanyId(POINT_CO).build()));
    }

    static byte[] chain(String id, String from, String to, BigInteger aot, String feePayer, long feePeb) {
        return CHAIN.encode(ChainTransfer.newBuilder()
                .setTransferId(id).setTxHash("0x" + HexFormat.of().formatHex(id.getBytes())).setLogIndex(0)
                .setChainId(8217).setBlockNumber(1).setBlockHash("0xb").setTxIndex(0).setBlockTimeMillis(Instant.EPOCH)
                .setTxType("TxTypeFeeDelegatedSmartContractExecution").setTokenContract("0xaot")
                .setFromAddress(from).setToAddress(to).setAmount(new Money(new BigDecimal(aot), Currency.AOT))
                .setSender(from).setFeePayer(feePayer).setGasUsed(21000).setGasPricePeb(BigDecimal.ONE)
                .setFeeKlay(new Money(BigDecimal.valueOf(feePeb), Currency.KLAY)).setSucceeded(true)
                .setFeePayerShareKlay(feePayer == null ? null : new Money(BigDecimal.valueOf(feePeb), Currency.KLAY))
                .setChargesTxFee(true).setObservedAtMillis(Instant.EPOCH).build());
    }

    static TerminalPayment signed(TerminalPayment p) {
        Ed25519PrivateKeyParameters key = WALLET_KEYS.get(p.getCustomerWallet());
        if (key == null) {
            p.setCustomerSignature(ByteBuffer.wrap(new byte[64]));
            return p;
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] m = WalletSignatures.signBytes(p);
        signer.update(m, 0, m.length);
        p.setCustomerSignature(ByteBuffer.wrap(signer.generateSignature()));
        return p;
    }

    static byte[] encode(TerminalPayment p) {
        return PAYMENTS.encode(p);
    }
}
