package io.aot.schemas.cql;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A keyspace's replication strategy, as the CQL map literal of {@code CREATE KEYSPACE ... WITH replication}. */
public final class Replication {

    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_\\-]+");

    private final String cql;

    private Replication(String cql) {
        this.cql = cql;
    }

    /** One data center, {@code factor} copies: local stacks and tests. */
    public static Replication simple(int factor) {
        requirePositive(factor);
        return new Replication("{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}");
    }

    /** Per-data-center factors: production clusters. */
    public static Replication networkTopology(Map<String, Integer> factorsByDatacenter) {
        if (factorsByDatacenter.isEmpty()) {
            throw new IllegalArgumentException("at least one data center is needed");
        }
        StringBuilder sb = new StringBuilder("{'class': 'NetworkTopologyStrategy'");
        for (var e : new TreeMap<>(factorsByDatacenter).entrySet()) {
            if (!DATACENTER.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("not a data center name: " + e.getKey());
            }
            requirePositive(e.getValue());
            sb.append(", '").append(e.getKey()).append("': ").append(e.getValue());
        }
        return new Replication(sb.append('}').toString());
    }

    /**
     * Parses the command-line form: {@code simple:1} or {@code dc1:3,dc2:3} (network topology).
     */
    public static Replication parse(String spec) {
        String s = spec.trim();
        if (s.startsWith("simple:")) {
            return simple(Integer.parseInt(s.substring("simple:".length())));
        }
        Map<String, Integer> factors = new TreeMap<>();
        for (String part : s.split(",")) {
            String[] kv = part.trim().split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("replication must be simple:N or dc:N[,dc:N...], got " + spec);
            }
            factors.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        return networkTopology(factors);
    }

    private static void requirePositive(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, got " + factor);
        }
    }

    public String cql() {
        return cql;
    }

    @Override
    public String toString() {
        return cql;
    }
}
