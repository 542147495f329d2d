package io.aot.ingestion.simulator;

import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.ledger.terminal.TerminalSigning;
import io.aot.ledger.state.WalletSignatures;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A seeded stream of signed terminal transactions over one simulated day: same seed, same bytes, on any machine.
 * Event times follow a diurnal curve; merchants are drawn by Zipf popularity and customers with a bias to returning
 * ones; methods and wallets by market share; tickets log-normal per category. About 2 % refunds (of an earlier payment
 * at the same terminal, never more than it), 1 % point swaps, and AOT coin payments signed by the customer's wallet.
 * With a bad fraction, that share is bad traffic the pipeline must refuse: bad signatures, replays, malformed bytes,
 * unknown terminals.
 *
 * <p>{@link #next()} signs each transaction as it makes it. {@link #nextBatch} makes a batch first and signs it on
 * several threads: Ed25519 signatures are deterministic (RFC 8032) and signing draws nothing from the random stream, so
 * a batch holds exactly the bytes {@code next()} would have made. Signing is most of the cost (~33 us per signature).
 */
public final class PaymentSimulator {

    /** What a generated record is, so tests and the demo know what the pipeline should do with it. */
    public enum Kind { VALID, BAD_SIGNATURE, REPLAY, MALFORMED, UNKNOWN_TERMINAL }

    /** One generated Kafka record: key (terminal id), value bytes, and the payment when the bytes hold one. */
    public record SimulatedTx(long index, Kind kind, String key, byte[] value, TerminalPayment payment) {
    }

    /** 1 KRW = 0.001 AOT: the rate AOT coin tickets are priced at, in 10^-18 units per won. */
    static final BigInteger AOT_MINOR_PER_KRW = BigInteger.TEN.pow(15);
    static final int RECENT_PAYMENTS = 1024;

    private final Fleet fleet;
    private final SplittableRandom random;
    private final long total;
    private final Instant dayStart;
    private final double badFraction;
    private final InstantSource liveClock;
    /** Codecs are not thread-safe: one per signing thread. */
    private static final ThreadLocal<AvroCodec<TerminalPayment>> CODEC =
            ThreadLocal.withInitial(() -> AvroCodec.of(TerminalPayment.class));
    private final Map<String, Long> sequences = new HashMap<>();
    private final ArrayDeque<TerminalPayment> recentPayments = new ArrayDeque<>();
    private final ArrayDeque<Draft> recentValid = new ArrayDeque<>();
    /** Keys the transaction being drafted is to be signed with (wallet first, then device). */
    private Ed25519PrivateKeyParameters pendingWalletKey;
    private Ed25519PrivateKeyParameters pendingDeviceKey;
    private long index;

    /**
     * A transaction being generated: its payment, the keys to sign it with, and its bytes once signed; or a copy of an
     * earlier valid transaction (a replay, a tampered or truncated copy) made once that one is signed.
     */
    private static final class Draft {
        final long index;
        final Kind kind;
        String key;
        TerminalPayment payment;
        byte[] value;
        Ed25519PrivateKeyParameters walletKey;
        Ed25519PrivateKeyParameters deviceKey;
        Draft source;

        Draft(long index, Kind kind) {
            this.index = index;
            this.kind = kind;
        }

        /** Signs and encodes a transaction of its own (no source); any thread. */
        void sign() {
            if (walletKey != null) {
                payment.setCustomerSignature(ByteBuffer.wrap(PaymentSimulator.sign(walletKey,
                        WalletSignatures.signBytes(payment))));
            }
            if (deviceKey != null) {
                payment.setSignature(ByteBuffer.wrap(PaymentSimulator.sign(deviceKey,
                        TerminalSigning.signBytes(payment))));
            }
            if (value == null) {
                value = CODEC.get().encode(payment);
            }
        }

        /** Makes a copy from its (signed) source. */
        void copy() {
            switch (kind) {
                case BAD_SIGNATURE -> {
                    // A tampered copy of a real payment (the amount raised in flight): it uses no sequence number of
                    // its own, so refusing it leaves no gap in the terminal's stream.
                    payment = TerminalPayment.newBuilder(source.payment).build();
                    BigInteger raised = payment.getAmount().getAmountMinor().toBigIntegerExact()
                            .add(BigInteger.valueOf(1000));
                    payment.setAmount(new Money(new BigDecimal(raised), payment.getAmount().getCurrency()));
                    key = payment.getTerminalId();
                    value = CODEC.get().encode(payment);
                }
                case REPLAY -> {
                    key = source.key;
                    value = source.value;
                    payment = source.payment;
                }
                case MALFORMED -> value = java.util.Arrays.copyOf(source.value, Math.max(1, source.value.length / 2));
                default -> throw new IllegalStateException(kind + " is not a copy");
            }
        }

        SimulatedTx tx() {
            return new SimulatedTx(index, kind, key, value, payment);
        }
    }

    /**
     * @param total       how many records the day holds (their times spread over it by the diurnal curve)
     * @param dayStart    midnight of the simulated day (Asia/Seoul midnight is 15:00 UTC the day before)
     * @param badFraction share of bad traffic, 0..1
     */
    public PaymentSimulator(Fleet fleet, long seed, long total, Instant dayStart, double badFraction) {
        this(fleet, seed, total, dayStart, badFraction, null);
    }

    /**
     * A simulator whose payments are stamped with {@code liveClock}'s time when generated, not with the simulated
     * day's: for sending through the gateway, which checks a payment's time against its own clock. Same seed, same
     * transactions except for their times (and so their signatures).
     */
    public static PaymentSimulator live(Fleet fleet, long seed, long total, double badFraction, InstantSource liveClock) {
        return new PaymentSimulator(fleet, seed, total, liveClock.instant(), badFraction, liveClock);
    }

    private PaymentSimulator(Fleet fleet, long seed, long total, Instant dayStart, double badFraction,
            InstantSource liveClock) {
        this.liveClock = liveClock;
        // Refunds and tampered copies deep-copy our records, which Avro 1.12 refuses until our package is trusted.
        io.aot.schemas.serde.AvroRuntimeGuards.install();
        if (badFraction < 0 || badFraction > 1) {
            throw new IllegalArgumentException("bad fraction must be within 0..1: " + badFraction);
        }
        this.fleet = fleet;
        this.random = new SplittableRandom(seed);
        this.total = Math.max(1, total);
        this.dayStart = dayStart;
        this.badFraction = badFraction;
    }

    public boolean hasNext() {
        return index < total;
    }

    public SimulatedTx next() {
        Draft d = draft();
        finish(d);
        return d.tx();
    }

    /**
     * The next {@code max} transactions (fewer at the end), signed by {@code signers}: the same transactions, byte for
     * byte, as {@code max} calls of {@link #next()}.
     */
    public java.util.List<SimulatedTx> nextBatch(int max, java.util.concurrent.ExecutorService signers)
            throws InterruptedException {
        java.util.List<Draft> drafts = new java.util.ArrayList<>(max);
        while (hasNext() && drafts.size() < max) {
            drafts.add(draft());
        }
        java.util.List<java.util.concurrent.Callable<Void>> work = new java.util.ArrayList<>();
        int chunk = Math.max(1, drafts.size() / 8);
        for (int from = 0; from < drafts.size(); from += chunk) {
            java.util.List<Draft> part = drafts.subList(from, Math.min(drafts.size(), from + chunk));
            work.add(() -> {
                part.stream().filter(d -> d.source == null).forEach(Draft::sign);
                return null;
            });
        }
        for (var f : signers.invokeAll(work)) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("signing failed", e.getCause());
            }
        }
        drafts.stream().filter(d -> d.source != null).forEach(Draft::copy); // in order: sources are signed now
        return drafts.stream().map(Draft::tx).toList();
    }

    private static void finish(Draft d) {
        if (d.source != null) {
            d.copy();
        } else {
            d.sign();
        }
    }

    /** The next transaction with its signing left for later. Draws from the random stream exactly as before. */
    private Draft draft() {
        long i = index++;
        Instant at = liveClock != null ? liveClock.instant() : timeOf(i);
        if (random.nextDouble() < badFraction) {
            Draft bad = badTx(i, at);
            if (bad != null) {
                return bad;
            }
        }
        TerminalPayment p = validPayment(at);
        if (p.getKind() == TransactionKind.PAYMENT) {
            remember(p); // refundable later
        }
        Draft d = own(i, Kind.VALID, p);
        recentValid.addLast(d);
        if (recentValid.size() > RECENT_PAYMENTS) {
            recentValid.removeFirst();
        }
        return d;
    }

    /** A draft of a transaction of its own, taking the keys its generation asked to sign with. */
    private Draft own(long i, Kind kind, TerminalPayment p) {
        Draft d = new Draft(i, kind);
        d.payment = p;
        d.key = p.getTerminalId();
        d.walletKey = pendingWalletKey;
        d.deviceKey = pendingDeviceKey;
        pendingWalletKey = null;
        pendingDeviceKey = null;
        return d;
    }

    /** Record i's event time: the inverse of the cumulative hourly curve, so times rise with i and bunch at peaks. */
    public Instant timeOf(long i) {
        double p = (i + 0.5) / total;
        int[] w = MarketModel.HOURLY_WEIGHTS;
        int sum = 0;
        for (int x : w) {
            sum += x;
        }
        double target = p * sum;
        double acc = 0;
        for (int hour = 0; hour < 24; hour++) {
            if (acc + w[hour] >= target) {
                double within = (target - acc) / w[hour];
                return dayStart.plus(Duration.ofMillis((long) ((hour + within) * 3_600_000L)));
            }
            acc += w[hour];
        }
        return dayStart.plus(Duration.ofHours(24)).minusMillis(1);
    }

    private TerminalPayment validPayment(Instant at) {
        int roll = random.nextInt(100);
        if (roll < 2 && !recentPayments.isEmpty()) {
            return refund(at);
        }
        Fleet.Merchant merchant = fleet.pickMerchant(random);
        Fleet.Terminal terminal = merchant.terminals().get(random.nextInt(merchant.terminals().size()));
        Fleet.Customer customer = pickCustomer();
        if (roll < 3) {
            Fleet.Customer holder = customer.wallet() != null ? customer : pickWalletHolder();
            if (holder != null) {
                return pointSwap(at, merchant, terminal, holder);
            }
        }
        MarketModel.Channel channel = MarketModel.Channel.values()[MarketModel.weighted(random, MarketModel.CHANNEL_WEIGHTS)];
        if (channel == MarketModel.Channel.AOT_COIN && customer.wallet() == null) {
            Fleet.Customer holder = pickWalletHolder();
            if (holder == null) {
                channel = MarketModel.Channel.IC_CHIP;
            } else {
                customer = holder;
            }
        }
        long krw = MarketModel.ticketKrw(random, merchant.categoryIndex());
        WalletProvider provider = switch (channel) {
            case PHONE_WALLET -> MarketModel.PHONE_WALLETS[MarketModel.weighted(random, MarketModel.PHONE_WALLET_WEIGHTS)];
            case QR, BARCODE -> MarketModel.APP_WALLETS[MarketModel.weighted(random, MarketModel.APP_WALLET_WEIGHTS)];
            case AOT_COIN -> WalletProvider.AOT_WALLET;
            default -> WalletProvider.NONE;
        };
        boolean coin = channel == MarketModel.Channel.AOT_COIN;
        TerminalPayment.Builder b = base(at, merchant, terminal, customer, TransactionKind.PAYMENT)
                .setMethod(MarketModel.method(channel))
                .setWalletProvider(provider)
                .setAmount(coin ? new Money(new BigDecimal(AOT_MINOR_PER_KRW.multiply(BigInteger.valueOf(krw))), Currency.AOT)
                        : new Money(BigDecimal.valueOf(krw), Currency.KRW))
                .setApprovalCode(coin ? null : String.format("%08d", random.nextInt(100_000_000)))
                .setInstallmentMonths(!coin && krw >= 50_000 && random.nextInt(10) == 0 ? 2 + random.nextInt(11) : 0)
                .setCustomerWallet(coin || random.nextInt(4) == 0 ? customer.wallet() : null);
        TerminalPayment p = b.build();
        if (coin) {
            walletSign(p, customer.walletKey());
        }
        return deviceSign(p, terminal.deviceKey());
    }

    private TerminalPayment refund(Instant at) {
        TerminalPayment original = recentPayments.pollFirst();
        Fleet.Merchant merchant = fleet.merchant(original.getMerchantId());
        Fleet.Terminal terminal = merchant.terminals().stream().filter(t -> t.id().equals(original.getTerminalId()))
                .findFirst().orElseThrow();
        BigInteger amount = original.getAmount().getAmountMinor().toBigIntegerExact();
        if (random.nextBoolean()) {
            amount = amount.divide(BigInteger.TWO).max(BigInteger.ONE); // a partial refund
        }
        TerminalPayment p = TerminalPayment.newBuilder(original)
                .setKind(TransactionKind.REFUND)
                .setOriginalTxId(original.getTxId())
                .setAmount(new Money(new BigDecimal(amount), original.getAmount().getCurrency()))
                .setCreatedAtMillis(at)
                .setCustomerSignature(null)
                .setApprovalCode(null)
                .setInstallmentMonths(0)
                .setTxId("placeholder")
                .build();
        long seq = nextSequence(terminal.id());
        p.setTerminalSequence(seq);
        p.setTxId(terminal.id() + "-" + seq);
        return deviceSign(p, terminal.deviceKey());
    }

    private TerminalPayment pointSwap(Instant at, Fleet.Merchant merchant, Fleet.Terminal terminal, Fleet.Customer holder) {
        TerminalPayment p = base(at, merchant, terminal, holder, TransactionKind.POINT_SWAP)
                .setMethod(io.aot.avro.PaymentMethod.AOT_COIN)
                .setWalletProvider(WalletProvider.AOT_WALLET)
                .setAmount(new Money(BigDecimal.valueOf(100 + random.nextInt(4_901)), Currency.POINT))
                .setCustomerWallet(holder.wallet())
                .setPointCompanyId(MarketModel.POINT_COMPANIES[random.nextInt(MarketModel.POINT_COMPANIES.length)])
                .build();
        walletSign(p, holder.walletKey());
        return deviceSign(p, terminal.deviceKey());
    }

    private TerminalPayment.Builder base(Instant at, Fleet.Merchant merchant, Fleet.Terminal terminal,
            Fleet.Customer customer, TransactionKind kind) {
        long seq = nextSequence(terminal.id());
        return TerminalPayment.newBuilder()
                .setTxId(terminal.id() + "-" + seq)
                .setKind(kind)
                .setTerminalId(terminal.id())
                .setTerminalSequence(seq)
                .setMerchantId(merchant.id())
                .setMerchantCategory(merchant.category())
                .setRegion(merchant.region())
                .setAcquirerId(merchant.acquirerId())
                .setCustomerToken(customer.token())
                .setCreatedAtMillis(at)
                .setKeyId(terminal.keyId())
                .setSignatureAlgorithm(SignatureAlgorithm.ED25519)
                .setSignature(ByteBuffer.wrap(new byte[0]));
    }

    private Draft badTx(long i, Instant at) {
        Kind kind = Kind.values()[1 + random.nextInt(Kind.values().length - 1)];
        switch (kind) {
            case BAD_SIGNATURE, REPLAY -> {
                if (recentValid.isEmpty()) {
                    return null;
                }
                Draft d = new Draft(i, kind);
                d.source = recentValid.peekLast();
                return d;
            }
            case MALFORMED -> {
                byte[] junk = new byte[10 + random.nextInt(200)];
                random.nextBytes(junk);
                Draft d = new Draft(i, kind);
                d.key = "unknown";
                if (random.nextBoolean() && !recentValid.isEmpty()) {
                    d.source = recentValid.peekLast(); // truncated
                } else {
                    d.value = junk;
                }
                return d;
            }
            case UNKNOWN_TERMINAL -> {
                Fleet.Merchant m = fleet.pickMerchant(random);
                byte[] seed = new byte[32];
                random.nextBytes(seed);
                Fleet.Terminal stranger = new Fleet.Terminal("X-" + m.id() + "-T9", m.id(), "X#1",
                        new Ed25519PrivateKeyParameters(seed, 0));
                TerminalPayment p = base(at, m, stranger, pickCustomer(), TransactionKind.PAYMENT)
                        .setMethod(io.aot.avro.PaymentMethod.IC_CHIP).setWalletProvider(WalletProvider.NONE)
                        .setAmount(new Money(BigDecimal.valueOf(MarketModel.ticketKrw(random, m.categoryIndex())),
                                Currency.KRW)).build();
                deviceSign(p, stranger.deviceKey());
                return own(i, kind, p);
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** Returning customers: low indexes come back often (index ~ n * u^2). */
    private Fleet.Customer pickCustomer() {
        double u = random.nextDouble();
        return fleet.customers().get((int) (u * u * fleet.customers().size()));
    }

    private Fleet.Customer pickWalletHolder() {
        for (int attempt = 0; attempt < 20; attempt++) {
            Fleet.Customer c = pickCustomer();
            if (c.wallet() != null) {
                return c;
            }
        }
        return null;
    }

    private long nextSequence(String terminalId) {
        return sequences.merge(terminalId, 1L, Long::sum);
    }

    private void remember(TerminalPayment p) {
        recentPayments.addLast(p);
        if (recentPayments.size() > RECENT_PAYMENTS) {
            recentPayments.removeFirst();
        }
    }

    /** Asks for {@code p} to be signed by the terminal (after its wallet signature, if any). */
    private TerminalPayment deviceSign(TerminalPayment p, Ed25519PrivateKeyParameters key) {
        pendingDeviceKey = key;
        return p;
    }

    private void walletSign(TerminalPayment p, Ed25519PrivateKeyParameters key) {
        pendingWalletKey = key;
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
