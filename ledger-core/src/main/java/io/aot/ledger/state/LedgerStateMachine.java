package io.aot.ledger.state;

import io.aot.avro.ChainTransfer;
import io.aot.avro.MerchantCategory;
import io.aot.avro.PaymentMethod;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.ledger.money.Amounts;
import io.aot.ledger.money.Asset;
import io.aot.ledger.money.Transfer;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.rules.RewardRule;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The deterministic double-entry ledger every validator runs. A transaction is the single-object Avro bytes of a
 * {@link TerminalPayment} or a {@link ChainTransfer}; its outcome is "OK" with balanced transfers, or a refusal code
 * with none. Refusals are results, recorded like successes, so a replayed transaction id answers
 * {@code DUPLICATE_TX} and never posts twice. The exception are refusals that depend on the order in which
 * transactions reached the chain rather than on the transaction ({@link #ORDER_DEPENDENT_REFUSALS}): they are recorded
 * in the block like any outcome but do not take the id, so the same body submitted again is executed afresh.
 *
 * <p>Deterministic by construction: no clock but the block's time, ordered maps wherever order can show, integers
 * only (rates are exact fractions, rounded down). A block executes against an overlay of the committed state, so a
 * block costs O(its transactions); {@link #commit} merges it. The app hash chains the previous hash with every
 * outcome of the block, so it commits to the whole state (a function of the outcomes since genesis).
 */
public final class LedgerStateMachine {

    /** One transaction's outcome. {@code txId} is null when the bytes did not decode. */
    public record Outcome(String txId, TransactionKind kind, String code, List<Transfer> transfers) {
        public boolean ok() {
            return "OK".equals(code);
        }
    }

    /** A block's outcomes and the app hash after it. */
    public record BlockOutcome(List<Outcome> outcomes, byte[] appHash) {
    }

    /** What the ledger remembers of a payment, for its refunds. */
    private record PaymentRecord(String merchantId, String acquirerId, Asset asset, BigInteger amount,
            BigInteger refunded, boolean coin, String wallet) {
        PaymentRecord withRefunded(BigInteger r) {
            return new PaymentRecord(merchantId, acquirerId, asset, amount, r, coin, wallet);
        }
    }

    /**
     * Refusals that say "not yet", not "never": the outcome depends on whether another transaction has committed first,
     * which two terminals of one merchant (two Kafka partitions, two ingest keys) cannot order. They do not take the
     * transaction id, so the terminal's retry of the same body, once the other transaction has committed, is executed
     * again instead of answering {@code DUPLICATE_TX} forever. {@code UNKNOWN_ORIGINAL}: a refund committed in an
     * earlier block than its payment. Refusals that a later state could also lift but where a later success would
     * surprise the payer ({@code INSUFFICIENT_FUNDS} of a declined coin payment) keep taking the id: a declined
     * payment must not go through when the same signed body is replayed after a top-up. Replay determinism holds
     * (the rule reads committed state only), and nothing moves on a refusal, so conservation does too.
     */
    public static final java.util.Set<String> ORDER_DEPENDENT_REFUSALS = java.util.Set.of("UNKNOWN_ORIGINAL");

    private final LedgerGenesis genesis;
    private final LedgerTxCodec codec = new LedgerTxCodec();

    // Committed state.
    private final TreeMap<String, BigInteger> balances = new TreeMap<>();
    private final Map<String, PaymentRecord> paymentRecords = new HashMap<>();
    private final Map<String, String> resultsById = new HashMap<>();
    private byte[] appHash;
    private long height;

    // The executing block's overlay.
    private final Map<String, BigInteger> pendingBalances = new HashMap<>();
    private final Map<String, PaymentRecord> pendingPayments = new HashMap<>();
    private final Map<String, String> pendingResults = new HashMap<>();
    private byte[] pendingHash;

    public LedgerStateMachine(LedgerGenesis genesis) {
        this.genesis = genesis;
        genesis.balances().forEach((account, byAsset) -> byAsset.forEach((asset, amount) ->
                balances.put(key(account, asset), amount)));
        this.appHash = sha256("aot/ledger/genesis/v1".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Mempool admission: the bytes decode. Every rule about what they say (the amount's range included) runs at
     * execution, where a refusal is an outcome recorded in the block and published with its code. A refusal here
     * is recorded nowhere: the transaction leaves the mempool without a trace, so admission refuses only what cannot
     * be a transaction at all. (It used to refuse out-of-range amounts too: a payment the ingest job's limits let
     * through but {@code Amounts.inRange} did not was neither committed nor refused anywhere.)
     */
    public String check(byte[] tx) {
        LedgerTxCodec.Decoded decoded = codec.decode(tx);
        return decoded.refusal() != null ? decoded.refusal() : "OK";
    }

    /** Executes a decided block on a fresh overlay; {@link #commit} makes it the state. */
    public BlockOutcome execute(long blockHeight, long blockTimeMillis, List<byte[]> txs) {
        pendingBalances.clear();
        pendingPayments.clear();
        pendingResults.clear();
        List<Outcome> outcomes = new ArrayList<>(txs.size());
        MessageDigest chain = digest();
        chain.update(appHash);
        chain.update(ByteBuffer.allocate(16).putLong(blockHeight).putLong(blockTimeMillis).array());
        for (byte[] tx : txs) {
            Outcome o = executeOne(tx);
            outcomes.add(o);
            if (o.txId() != null && !"DUPLICATE_TX".equals(o.code()) && !ORDER_DEPENDENT_REFUSALS.contains(o.code())) {
                pendingResults.put(o.txId(), o.code());
            }
            for (Transfer t : o.transfers()) {
                move(t);
            }
            digestOutcome(chain, o);
        }
        pendingHash = chain.digest();
        return new BlockOutcome(outcomes, pendingHash.clone());
    }

    public void commit() {
        if (pendingHash == null) {
            throw new IllegalStateException("commit without an executed block");
        }
        balances.putAll(pendingBalances);
        paymentRecords.putAll(pendingPayments);
        resultsById.putAll(pendingResults);
        appHash = pendingHash;
        pendingHash = null;
        height++;
    }

    public byte[] appHash() {
        return appHash.clone();
    }

    public long height() {
        return height;
    }

    // ---------------------------------------------------------------- snapshot

    private static final String SNAPSHOT_DOMAIN = "aot/ledger/snapshot/v1";

    /**
     * The committed state as canonical bytes (ABCI's snapshot): the same state gives the same bytes on every validator.
     * Layout, big-endian, every string a 4-byte length and UTF-8, every integer a 4-byte length and its minimal
     * two's-complement bytes ({@link BigInteger#toByteArray}): the domain {@code aot/ledger/snapshot/v1}, height (8),
     * app hash (32), then balances, payment records and results by transaction id, each a 4-byte count and entries
     * in strictly ascending key order. A block executed but not committed is not included.
     */
    public byte[] snapshot() {
        SnapshotWriter w = new SnapshotWriter();
        w.string(SNAPSHOT_DOMAIN);
        w.i64(height);
        w.raw(appHash);
        w.i32(balances.size());
        balances.forEach((k, v) -> {
            w.string(k);
            w.integer(v);
        });
        // Sorted key arrays, not TreeMap copies: half the time for a million records.
        String[] paymentIds = paymentRecords.keySet().toArray(new String[0]);
        Arrays.sort(paymentIds);
        w.i32(paymentIds.length);
        for (String id : paymentIds) {
            PaymentRecord r = paymentRecords.get(id);
            w.string(id);
            w.optionalString(r.merchantId());
            w.optionalString(r.acquirerId());
            w.string(r.asset().code());
            w.integer(r.amount());
            w.integer(r.refunded());
            w.i32(r.coin() ? 1 : 0);
            w.optionalString(r.wallet());
        }
        String[] resultIds = resultsById.keySet().toArray(new String[0]);
        Arrays.sort(resultIds);
        w.i32(resultIds.length);
        for (String id : resultIds) {
            w.string(id);
            w.string(resultsById.get(id));
        }
        return w.toByteArray();
    }

    /**
     * The ledger at a snapshot's height, as {@link #snapshot} wrote it, over the same genesis (its rules and wallet
     * keys; the snapshot replaces the balances).
     *
     * @throws IllegalArgumentException if the bytes are not a canonical ledger snapshot (the message says where)
     */
    public static LedgerStateMachine restore(LedgerGenesis genesis, byte[] snapshot) {
        LedgerStateMachine m = new LedgerStateMachine(genesis);
        m.balances.clear();
        SnapshotReader r = new SnapshotReader(snapshot);
        if (!SNAPSHOT_DOMAIN.equals(r.string())) {
            throw new IllegalArgumentException("ledger snapshot: not " + SNAPSHOT_DOMAIN);
        }
        m.height = r.i64();
        if (m.height < 0) {
            throw new IllegalArgumentException("ledger snapshot: negative height " + m.height);
        }
        m.appHash = r.raw(32);
        String last = null;
        for (int i = 0, n = r.count(); i < n; i++) {
            last = r.ascending(last, r.string());
            m.balances.put(last, r.integer());
        }
        last = null;
        for (int i = 0, n = r.count(); i < n; i++) {
            last = r.ascending(last, r.string());
            String merchant = r.optionalString();
            String acquirer = r.optionalString();
            Asset asset;
            try {
                asset = new Asset(r.string());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ledger snapshot: " + e.getMessage());
            }
            BigInteger amount = r.integer();
            BigInteger refunded = r.integer();
            int coin = r.i32();
            if (coin != 0 && coin != 1) {
                throw new IllegalArgumentException("ledger snapshot: coin flag " + coin);
            }
            m.paymentRecords.put(last, new PaymentRecord(merchant, acquirer, asset, amount, refunded, coin == 1,
                    r.optionalString()));
        }
        last = null;
        for (int i = 0, n = r.count(); i < n; i++) {
            last = r.ascending(last, r.string());
            m.resultsById.put(last, r.string());
        }
        r.expectEnd();
        return m;
    }

    /**
     * Big-endian fixed-width integers and length-prefixed values, as consensus-sink's CanonicalWriter; a plain growing
     * array, since a ledger snapshot is millions of small writes (ByteArrayOutputStream locks on each).
     */
    private static final class SnapshotWriter {
        private byte[] buf = new byte[1 << 16];
        private int size;

        private void ensure(int more) {
            if (buf.length - size < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void i32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void i64(long v) {
            i32((int) (v >>> 32));
            i32((int) v);
        }

        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void bytes(byte[] b) {
            i32(b.length);
            raw(b);
        }

        void string(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** Absent as length -1: distinct from the empty string. */
        void optionalString(String s) {
            if (s == null) {
                i32(-1);
            } else {
                string(s);
            }
        }

        void integer(BigInteger v) {
            bytes(v.toByteArray());
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** Reads {@link SnapshotWriter}'s layout; every length is checked against what is left before allocating. */
    private static final class SnapshotReader {
        private final ByteBuffer buf;

        SnapshotReader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes);
        }

        private void need(int n) {
            if (n < 0 || buf.remaining() < n) {
                throw new IllegalArgumentException("ledger snapshot: truncated at byte " + buf.position() + ": need "
                        + n + ", have " + buf.remaining());
            }
        }

        int i32() {
            need(4);
            return buf.getInt();
        }

        long i64() {
            need(8);
            return buf.getLong();
        }

        byte[] raw(int n) {
            need(n);
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        /** An entry count: each entry takes at least 4 bytes, so a count beyond that is damage, not a huge map. */
        int count() {
            int n = i32();
            if (n < 0 || n > buf.remaining() / 4) {
                throw new IllegalArgumentException("ledger snapshot: count " + n + " at byte " + (buf.position() - 4)
                        + " exceeds what is left");
            }
            return n;
        }

        String string() {
            return new String(raw(i32()), StandardCharsets.UTF_8);
        }

        String optionalString() {
            int n = i32();
            return n == -1 ? null : new String(raw(n), StandardCharsets.UTF_8);
        }

        BigInteger integer() {
            byte[] b = raw(i32());
            if (b.length == 0) {
                throw new IllegalArgumentException("ledger snapshot: empty integer at byte " + buf.position());
            }
            BigInteger v = new BigInteger(b);
            if (v.toByteArray().length != b.length) {
                throw new IllegalArgumentException("ledger snapshot: non-minimal integer at byte " + buf.position());
            }
            return v;
        }

        /** Keys strictly ascending: the canonical order, and no key twice. */
        String ascending(String previous, String key) {
            if (previous != null && previous.compareTo(key) >= 0) {
                throw new IllegalArgumentException("ledger snapshot: key " + key + " not after " + previous);
            }
            return key;
        }

        void expectEnd() {
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("ledger snapshot: " + buf.remaining() + " trailing bytes");
            }
        }
    }

    /** Committed balance of an account in an asset (zero if never touched). */
    public BigInteger balance(String account, Asset asset) {
        return balances.getOrDefault(key(account, asset), BigInteger.ZERO);
    }

    /** Sum of all committed balances per asset, assets summing to zero left out: what conservation keeps constant. */
    public Map<Asset, BigInteger> totals() {
        Map<Asset, BigInteger> totals = new TreeMap<>();
        balances.forEach((k, v) -> totals.merge(new Asset(k.substring(k.lastIndexOf('|') + 1)), v, BigInteger::add));
        totals.values().removeIf(v -> v.signum() == 0);
        return totals;
    }

    /** Every committed balance, ordered by account then asset. */
    public Map<String, BigInteger> balances() {
        return java.util.Collections.unmodifiableMap(balances);
    }

    // ---------------------------------------------------------------- rules

    private Outcome executeOne(byte[] tx) {
        LedgerTxCodec.Decoded decoded = codec.decode(tx);
        if (decoded.refusal() != null) {
            return new Outcome(null, TransactionKind.UNKNOWN, decoded.refusal(), List.of());
        }
        if (decoded.chainTransfer() != null) {
            return chainTransfer(decoded.chainTransfer());
        }
        TerminalPayment p = decoded.payment();
        if (seen(p.getTxId())) {
            return refuse(p, "DUPLICATE_TX");
        }
        BigInteger amount = amountOf(p.getAmount());
        if (!Amounts.inRange(amount)) {
            return refuse(p, "AMOUNT_OUT_OF_RANGE");
        }
        return switch (p.getKind()) {
            case PAYMENT -> p.getMethod() == PaymentMethod.AOT_COIN ? coinPayment(p, amount) : cardPayment(p, amount);
            case REFUND -> refund(p, amount);
            case POINT_SWAP -> pointSwap(p, amount);
            default -> refuse(p, "UNSUPPORTED_KIND");
        };
    }

    /** Card / NFC / QR: the acquirer owes the merchant; a matching reward rule pays cashback in AOT. */
    private Outcome cardPayment(TerminalPayment p, BigInteger amount) {
        Asset asset = new Asset(p.getAmount().getCurrency().name());
        if (!asset.equals(Asset.KRW)) {
            return refuse(p, "CURRENCY_NOT_ACCEPTED");
        }
        List<Transfer> transfers = new ArrayList<>();
        transfers.add(new Transfer(Accounts.acquirerPayable(p.getAcquirerId()), Accounts.merchant(p.getMerchantId()),
                asset, amount));
        reward(p, amount).ifPresent(transfers::add);
        pendingPayments.put(p.getTxId(), new PaymentRecord(p.getMerchantId(), p.getAcquirerId(), asset, amount,
                BigInteger.ZERO, false, p.getCustomerWallet()));
        return ok(p, transfers);
    }

    private java.util.Optional<Transfer> reward(TerminalPayment p, BigInteger krw) {
        if (p.getCustomerWallet() == null) {
            return java.util.Optional.empty();
        }
        MerchantCategory category = p.getMerchantCategory();
        for (RewardRule rule : genesis.rewardRules()) {
            if (rule.matches(category, krw)) {
                BigInteger aot = genesis.aotPerKrw().apply(krw.multiply(BigInteger.valueOf(rule.basisPoints())))
                        .divide(BigInteger.valueOf(10_000));
                // An empty pool pays no reward; the payment itself still stands.
                if (aot.signum() > 0 && current(Accounts.REWARD_POOL, Asset.AOT).compareTo(aot) >= 0) {
                    return java.util.Optional.of(new Transfer(Accounts.REWARD_POOL,
                            Accounts.wallet(p.getCustomerWallet()), Asset.AOT, aot));
                }
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }

    /** AOT coin: the customer's wallet pays the merchant, signed by the wallet; never an overdraft. */
    private Outcome coinPayment(TerminalPayment p, BigInteger amount) {
        if (!"AOT".equals(p.getAmount().getCurrency().name())) {
            return refuse(p, "CURRENCY_MISMATCH");
        }
        String refusal = checkWalletSignature(p);
        if (refusal != null) {
            return refuse(p, refusal);
        }
        String wallet = Accounts.wallet(p.getCustomerWallet());
        if (current(wallet, Asset.AOT).compareTo(amount) < 0) {
            return refuse(p, "INSUFFICIENT_FUNDS");
        }
        pendingPayments.put(p.getTxId(), new PaymentRecord(p.getMerchantId(), p.getAcquirerId(), Asset.AOT, amount,
                BigInteger.ZERO, true, p.getCustomerWallet()));
        return ok(p, List.of(new Transfer(wallet, Accounts.merchant(p.getMerchantId()), Asset.AOT, amount)));
    }

    /** The reverse of an earlier payment, for at most what is left of it, by the same merchant. */
    private Outcome refund(TerminalPayment p, BigInteger amount) {
        if (p.getOriginalTxId() == null) {
            return refuse(p, "MISSING_ORIGINAL");
        }
        PaymentRecord original = pendingPayments.getOrDefault(p.getOriginalTxId(), paymentRecords.get(p.getOriginalTxId()));
        if (original == null) {
            return refuse(p, "UNKNOWN_ORIGINAL");
        }
        if (!original.merchantId().equals(p.getMerchantId())) {
            return refuse(p, "REFUND_MERCHANT_MISMATCH");
        }
        if (!original.asset().code().equals(p.getAmount().getCurrency().name())) {
            return refuse(p, "CURRENCY_MISMATCH");
        }
        BigInteger refunded = original.refunded().add(amount);
        if (refunded.compareTo(original.amount()) > 0) {
            return refuse(p, "REFUND_EXCEEDS_ORIGINAL");
        }
        String merchant = Accounts.merchant(p.getMerchantId());
        Transfer back = original.coin()
                ? new Transfer(merchant, Accounts.wallet(original.wallet()), Asset.AOT, amount)
                : new Transfer(merchant, Accounts.acquirerPayable(original.acquirerId()), original.asset(), amount);
        pendingPayments.put(p.getOriginalTxId(), original.withRefunded(refunded));
        return ok(p, List.of(back));
    }

    /** Company points for AOT at the company's rate: the points retire, the company's AOT reserve pays the wallet. */
    private Outcome pointSwap(TerminalPayment p, BigInteger points) {
        String company = p.getPointCompanyId();
        if (company == null || !"POINT".equals(p.getAmount().getCurrency().name())) {
            return refuse(p, "NOT_A_POINT_SWAP");
        }
        Rate rate = genesis.aotPerPoint().get(company);
        if (rate == null) {
            return refuse(p, "UNKNOWN_POINT_COMPANY");
        }
        String refusal = checkWalletSignature(p);
        if (refusal != null) {
            return refuse(p, refusal);
        }
        BigInteger aot = rate.apply(points);
        if (aot.signum() <= 0) {
            return refuse(p, "SWAP_BELOW_ONE_UNIT");
        }
        if (current(Accounts.pointsReserve(company), Asset.AOT).compareTo(aot) < 0) {
            return refuse(p, "INSUFFICIENT_RESERVE");
        }
        Asset pt = Asset.points(company);
        return ok(p, List.of(
                new Transfer(Accounts.pointsOutstanding(company), Accounts.pointsRetired(company), pt, points),
                new Transfer(Accounts.pointsReserve(company), Accounts.wallet(p.getCustomerWallet()), Asset.AOT, aot)));
    }

    /**
     * A transfer seen on Klaytn (one KIP-7 Transfer log). The transfer moves {@code amount} from the log's
     * {@code from} to its {@code to}; a mint (from the zero address) or a burn (to it) moves against the token's
     * supply account instead ({@link Accounts#tokenSupply}). The transaction's fee is charged once, with the record
     * that has {@code chargesTxFee}: the fee payer's share ({@code feePayerShareKlay}, Kaia's partial fee delegation)
     * converted at {@code aotPerKlay}, from the transaction's {@code sender} (who may differ from the log's
     * {@code from}: transferFrom) to the fee payer. No fee leg when the sender is its own fee payer. Every wallet
     * that pays must hold what it pays, or the record is refused INSUFFICIENT_FUNDS with no leg posted.
     */
    private Outcome chainTransfer(ChainTransfer c) {
        if (seen(c.getTransferId())) {
            return new Outcome(c.getTransferId(), TransactionKind.CHAIN_TRANSFER, "DUPLICATE_TX", List.of());
        }
        BigInteger amount = amountOf(c.getAmount());
        if (!Amounts.inRange(amount) || !"AOT".equals(c.getAmount().getCurrency().name())) {
            return new Outcome(c.getTransferId(), TransactionKind.CHAIN_TRANSFER, "AMOUNT_OUT_OF_RANGE", List.of());
        }
        List<Transfer> transfers = new ArrayList<>();
        String from = Accounts.chainAccount(c.getFromAddress(), c.getTokenContract());
        String to = Accounts.chainAccount(c.getToAddress(), c.getTokenContract());
        if (c.getSucceeded() && !from.equals(to) && amount.signum() > 0) {
            transfers.add(new Transfer(from, to, Asset.AOT, amount));
        }
        if (c.getChargesTxFee() && c.getFeePayer() != null && c.getFeePayerShareKlay() != null
                && !c.getFeePayer().equalsIgnoreCase(c.getSender())) {
            BigInteger feeAot = genesis.aotPerKlay().apply(amountOf(c.getFeePayerShareKlay()));
            if (feeAot.signum() > 0) {
                transfers.add(new Transfer(Accounts.wallet(c.getSender()), Accounts.feePayer(c.getFeePayer()),
                        Asset.AOT, feeAot));
            }
        }
        Map<String, BigInteger> owed = new TreeMap<>();
        for (Transfer t : transfers) {
            owed.merge(t.from(), t.amount(), BigInteger::add);
        }
        for (Map.Entry<String, BigInteger> e : owed.entrySet()) {
            if (!Accounts.mayOverdraw(e.getKey()) && current(e.getKey(), Asset.AOT).compareTo(e.getValue()) < 0) {
                return new Outcome(c.getTransferId(), TransactionKind.CHAIN_TRANSFER, "INSUFFICIENT_FUNDS", List.of());
            }
        }
        return new Outcome(c.getTransferId(), TransactionKind.CHAIN_TRANSFER, "OK", List.copyOf(transfers));
    }

    // ---------------------------------------------------------------- helpers

    private String checkWalletSignature(TerminalPayment p) {
        if (p.getCustomerWallet() == null || p.getCustomerSignature() == null) {
            return "MISSING_WALLET_SIGNATURE";
        }
        byte[] key = genesis.walletKeys().get(p.getCustomerWallet());
        if (key == null) {
            return "UNKNOWN_WALLET";
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(key, 0));
        byte[] message = WalletSignatures.signBytes(p);
        verifier.update(message, 0, message.length);
        ByteBuffer sig = p.getCustomerSignature().duplicate();
        byte[] signature = new byte[sig.remaining()];
        sig.get(signature);
        return signature.length == 64 && verifier.verifySignature(signature) ? null : "BAD_CUSTOMER_SIGNATURE";
    }

    private boolean seen(String txId) {
        return pendingResults.containsKey(txId) || resultsById.containsKey(txId);
    }

    private void move(Transfer t) {
        BigInteger fromAfter = current(t.from(), t.asset()).subtract(t.amount());
        if (fromAfter.signum() < 0 && !Accounts.mayOverdraw(t.from())) {
            // The rules check funds before proposing a transfer: reaching here is a bug, not bad input.
            throw new IllegalStateException("overdraft of " + t.from() + " by " + t);
        }
        pendingBalances.put(key(t.from(), t.asset()), fromAfter);
        pendingBalances.put(key(t.to(), t.asset()), current(t.to(), t.asset()).add(t.amount()));
    }

    private BigInteger current(String account, Asset asset) {
        String k = key(account, asset);
        BigInteger pending = pendingBalances.get(k);
        return pending != null ? pending : balances.getOrDefault(k, BigInteger.ZERO);
    }

    private static String key(String account, Asset asset) {
        return account + "|" + asset.code();
    }

    private static BigInteger amountOf(io.aot.avro.Money m) {
        try {
            return m.getAmountMinor().toBigIntegerExact();
        } catch (ArithmeticException e) {
            return BigInteger.ZERO; // a fractional amount is out of range
        }
    }

    private static Outcome ok(TerminalPayment p, List<Transfer> transfers) {
        return new Outcome(p.getTxId(), p.getKind(), "OK", List.copyOf(transfers));
    }

    private static Outcome refuse(TerminalPayment p, String code) {
        return new Outcome(p.getTxId(), p.getKind(), code, List.of());
    }

    private static void digestOutcome(MessageDigest d, Outcome o) {
        update(d, o.txId() == null ? "" : o.txId());
        update(d, o.code());
        for (Transfer t : o.transfers()) {
            update(d, t.from());
            update(d, t.to());
            update(d, t.asset().code());
            update(d, t.amount().toString());
        }
    }

    private static void update(MessageDigest d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update(ByteBuffer.allocate(4).putInt(b.length).array());
        d.update(b);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        return digest().digest(b);
    }
}
