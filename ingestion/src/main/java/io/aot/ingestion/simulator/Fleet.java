package io.aot.ingestion.simulator;

import io.aot.avro.MerchantCategory;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.ledger.money.Asset;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.rules.RewardRule;
import io.aot.ledger.state.Accounts;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.terminal.Terminal.Status;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The simulated market, derived entirely from a seed: merchants (category, region, acquirer, Zipf popularity), their
 * terminals with Ed25519 device keys, and customers (tokens, home regions, some with AOT wallets and wallet keys).
 */
public final class Fleet {

    /** A merchant and its terminals. */
    public record Merchant(String id, MerchantCategory category, int categoryIndex, Region region, String acquirerId,
            List<Terminal> terminals) {
    }

    /** A terminal with its device key (the simulator signs as the terminal would). */
    public record Terminal(String id, String merchantId, String keyId, Ed25519PrivateKeyParameters deviceKey) {
        public byte[] publicKey() {
            return deviceKey.generatePublicKey().getEncoded();
        }
    }

    /** A customer: an opaque token (never a card number), a home region, maybe an AOT wallet. */
    public record Customer(String token, Region home, String wallet, Ed25519PrivateKeyParameters walletKey) {
    }

    /** Zipf exponent of merchant popularity: a few merchants take much of the traffic, as in real markets. */
    static final double ZIPF_S = 1.07;

    private final List<Merchant> merchants;
    private final Map<String, Merchant> merchantsById = new HashMap<>();
    private final List<Customer> customers;
    private final double[] cumulativePopularity;

    private Fleet(List<Merchant> merchants, List<Customer> customers) {
        this.merchants = merchants;
        merchants.forEach(m -> merchantsById.put(m.id(), m));
        this.customers = customers;
        this.cumulativePopularity = new double[merchants.size()];
        double sum = 0;
        for (int i = 0; i < merchants.size(); i++) {
            sum += 1.0 / StrictMath.pow(i + 1, ZIPF_S);
            cumulativePopularity[i] = sum;
        }
        for (int i = 0; i < cumulativePopularity.length; i++) {
            cumulativePopularity[i] /= sum;
        }
    }

    public static Fleet generate(long seed, int merchantCount, int customerCount) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Merchant> merchants = new ArrayList<>(merchantCount);
        for (int m = 0; m < merchantCount; m++) {
            int c = MarketModel.weighted(r, MarketModel.CATEGORY_WEIGHTS);
            Region region = MarketModel.REGIONS[MarketModel.weighted(r, MarketModel.REGION_WEIGHTS)];
            String acquirer = MarketModel.ACQUIRERS[MarketModel.weighted(r, MarketModel.ACQUIRER_WEIGHTS)];
            String merchantId = String.format("M%06d", m);
            List<Terminal> terminals = new ArrayList<>();
            int count = 1 + r.nextInt(3);
            for (int t = 0; t < count; t++) {
                String tid = merchantId + "-T" + t;
                terminals.add(new Terminal(tid, merchantId, tid + "#1", new Ed25519PrivateKeyParameters(seedBytes(r), 0)));
            }
            merchants.add(new Merchant(merchantId, MarketModel.CATEGORIES[c], c, region, acquirer, List.copyOf(terminals)));
        }
        List<Customer> customers = new ArrayList<>(customerCount);
        for (int i = 0; i < customerCount; i++) {
            Region home = MarketModel.REGIONS[MarketModel.weighted(r, MarketModel.REGION_WEIGHTS)];
            String token = "tok_" + HexFormat.of().formatHex(seedBytes(r), 0, 12);
            boolean aotHolder = r.nextInt(100) < 12;
            Ed25519PrivateKeyParameters walletKey = aotHolder ? new Ed25519PrivateKeyParameters(seedBytes(r), 0) : null;
            String wallet = aotHolder
                    ? "0x" + HexFormat.of().formatHex(walletKey.generatePublicKey().getEncoded(), 0, 20) : null;
            customers.add(new Customer(token, home, wallet, walletKey));
        }
        return new Fleet(List.copyOf(merchants), List.copyOf(customers));
    }

    private static byte[] seedBytes(SplittableRandom r) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    public List<Merchant> merchants() {
        return merchants;
    }

    /** The merchant with this id; a merchant outside this fleet (or its range) is a programming error. */
    public Merchant merchant(String id) {
        Merchant m = merchantsById.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no merchant " + id + " in this fleet");
        }
        return m;
    }

    /**
     * The same customers with merchants {@code from} (inclusive) to {@code to} (exclusive) only, popularity ranked
     * again within the range: a set of terminals of its own, whose sequence numbers start at 1 (a benchmark's separate
     * runs, each through a new ingest job).
     */
    public Fleet merchantRange(int from, int to) {
        if (from < 0 || to > merchants.size() || from >= to) {
            throw new IllegalArgumentException("merchant range " + from + ".." + to + " outside 0.." + merchants.size());
        }
        return new Fleet(List.copyOf(merchants.subList(from, to)), customers);
    }

    /** The registry rows of every simulated terminal, so the pipeline knows the fleet's device keys. */
    public List<io.aot.ledger.terminal.Terminal> registrations(Instant registeredAt) {
        List<io.aot.ledger.terminal.Terminal> out = new ArrayList<>();
        for (Merchant m : merchants) {
            for (Terminal t : m.terminals()) {
                out.add(new io.aot.ledger.terminal.Terminal(t.id(), m.id(), "Simulated " + m.category() + " " + m.id(),
                        m.category().name(), m.region().name(), m.acquirerId(), t.keyId(),
                        SignatureAlgorithm.ED25519, t.publicKey(),
                        Status.ACTIVE, registeredAt, null));
            }
        }
        return out;
    }

    /**
     * A ledger genesis that fits this fleet: every wallet holder opens with {@code aotPerWallet} whole AOT and its
     * wallet key, the reward pool and each point company's reserve are funded, the issuance account balances it all.
     * Rates: 1 KRW = 0.001 AOT, 1 point = 0.01 AOT, 1 peb of KLAY = 1 AOT unit; 1% AOT cashback on cafe tickets of
     * 3,000 KRW or more.
     */
    public LedgerGenesis ledgerGenesis(long aotPerWallet) {
        BigInteger aot = BigInteger.TEN.pow(18);
        Map<String, Map<Asset, BigInteger>> balances = new TreeMap<>();
        Map<String, byte[]> walletKeys = new TreeMap<>();
        BigInteger issued = BigInteger.ZERO;
        for (Customer c : customers) {
            if (c.wallet() != null) {
                BigInteger opening = aot.multiply(BigInteger.valueOf(aotPerWallet));
                balances.put(Accounts.wallet(c.wallet()), Map.of(Asset.AOT, opening));
                walletKeys.put(c.wallet(), c.walletKey().generatePublicKey().getEncoded());
                issued = issued.add(opening);
            }
        }
        BigInteger pool = aot.multiply(BigInteger.valueOf(10_000_000));
        balances.put(Accounts.REWARD_POOL, Map.of(Asset.AOT, pool));
        issued = issued.add(pool);
        Map<String, Rate> pointRates = new TreeMap<>();
        for (String company : MarketModel.POINT_COMPANIES) {
            BigInteger reserve = aot.multiply(BigInteger.valueOf(1_000_000));
            balances.put(Accounts.pointsReserve(company), Map.of(Asset.AOT, reserve));
            issued = issued.add(reserve);
            pointRates.put(company, Rate.of(aot.divide(BigInteger.valueOf(100)), BigInteger.ONE));
        }
        balances.put(Accounts.ISSUANCE, Map.of(Asset.AOT, issued.negate()));
        return new LedgerGenesis(balances, walletKeys, pointRates,
                List.of(new RewardRule(MerchantCategory.CAFE, BigInteger.valueOf(3000), 100)),
                Rate.of(aot.divide(BigInteger.valueOf(1000)), BigInteger.ONE), Rate.of(1, 1));
    }

    public List<Customer> customers() {
        return customers;
    }

    /** A merchant drawn by Zipf popularity. */
    Merchant pickMerchant(SplittableRandom r) {
        double x = r.nextDouble();
        int lo = 0;
        int hi = cumulativePopularity.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativePopularity[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return merchants.get(lo);
    }
}
