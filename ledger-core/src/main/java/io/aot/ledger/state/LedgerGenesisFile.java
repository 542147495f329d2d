package io.aot.ledger.state;

import io.aot.avro.MerchantCategory;
import io.aot.ledger.money.Asset;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.rules.RewardRule;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code ledger-genesis.properties}: the ledger's initial state as text, identical on every validator. Numbered
 * entries, each a {@code |}-separated row: {@code balance.N=account|asset|amount},
 * {@code wallet_key.N=address|hex public key}, {@code point_rate.N=company|numerator|denominator},
 * {@code reward_rule.N=CATEGORY or *|minimum KRW|basis points}; and {@code aot_per_krw}, {@code aot_per_klay} as
 * {@code numerator|denominator}.
 */
public final class LedgerGenesisFile {

    private LedgerGenesisFile() {
    }

    public static void write(LedgerGenesis g, Path file) throws IOException {
        Properties p = new Properties();
        int n = 0;
        for (var account : new TreeMap<>(g.balances()).entrySet()) {
            for (var e : new TreeMap<>(account.getValue()).entrySet()) {
                p.setProperty("balance." + n++, account.getKey() + "|" + e.getKey().code() + "|" + e.getValue());
            }
        }
        n = 0;
        for (var e : new TreeMap<>(g.walletKeys()).entrySet()) {
            p.setProperty("wallet_key." + n++, e.getKey() + "|" + HexFormat.of().formatHex(e.getValue()));
        }
        n = 0;
        for (var e : new TreeMap<>(g.aotPerPoint()).entrySet()) {
            p.setProperty("point_rate." + n++, e.getKey() + "|" + e.getValue().numerator() + "|" + e.getValue().denominator());
        }
        n = 0;
        for (RewardRule r : g.rewardRules()) {
            p.setProperty("reward_rule." + n++, (r.category() == null ? "*" : r.category().name()) + "|" + r.minimumKrw()
                    + "|" + r.basisPoints());
        }
        p.setProperty("aot_per_krw", g.aotPerKrw().numerator() + "|" + g.aotPerKrw().denominator());
        p.setProperty("aot_per_klay", g.aotPerKlay().numerator() + "|" + g.aotPerKlay().denominator());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "AOT ledger genesis: identical on every validator");
        }
    }

    public static LedgerGenesis read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Map<Asset, BigInteger>> balances = new TreeMap<>();
        for (String[] row : rows(p, "balance", 3)) {
            balances.computeIfAbsent(row[0], k -> new TreeMap<>()).put(new Asset(row[1]), new BigInteger(row[2]));
        }
        Map<String, byte[]> keys = new TreeMap<>();
        for (String[] row : rows(p, "wallet_key", 2)) {
            keys.put(row[0], HexFormat.of().parseHex(row[1]));
        }
        Map<String, Rate> rates = new TreeMap<>();
        for (String[] row : rows(p, "point_rate", 3)) {
            rates.put(row[0], Rate.of(new BigInteger(row[1]), new BigInteger(row[2])));
        }
        List<RewardRule> rules = new ArrayList<>();
        for (String[] row : rows(p, "reward_rule", 3)) {
            rules.add(new RewardRule("*".equals(row[0]) ? null : MerchantCategory.valueOf(row[0]), new BigInteger(row[1]),
                    Integer.parseInt(row[2])));
        }
        return new LedgerGenesis(balances, keys, rates, rules, rate(p, "aot_per_krw"), rate(p, "aot_per_klay"));
    }

    private static List<String[]> rows(Properties p, String prefix, int columns) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; p.getProperty(prefix + "." + i) != null; i++) {
            String[] row = p.getProperty(prefix + "." + i).split("\\|", -1);
            if (row.length != columns) {
                throw new IOException(prefix + "." + i + " needs " + columns + " |-separated values");
            }
            rows.add(row);
        }
        return rows;
    }

    private static Rate rate(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("ledger genesis misses " + key);
        }
        String[] parts = v.split("\\|");
        return Rate.of(new BigInteger(parts[0]), new BigInteger(parts[1]));
    }
}
