package io.aot.ads.segment;

import io.aot.ads.profile.ProfileSnapshot;
import io.aot.ads.rfm.RfmQuintiles;
import io.aot.avro.MerchantCategory;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * One predicate over a profile feature: {@code {"field": "homeRegion", "eq": "SEOUL"}}. Operators: eq, ne, gt, gte,
 * lt, lte (numbers), eq, ne, in (text and booleans). The RFM scores {@code rScore}, {@code fScore}, {@code mScore}
 * (1-5, 0 before the population has any customer) come from the population's quintiles.
 */
public record Condition(String field, String op, Object value) implements Serializable {

    public static final Set<String> SCORES = Set.of("rScore", "fScore", "mScore");
    static final Set<String> OPS = Set.of("eq", "ne", "gt", "gte", "lt", "lte", "in");

    public Condition {
        boolean known = ProfileSnapshot.FIELDS.contains(field) || SCORES.contains(field)
                || field.startsWith("affinity.") && isCategory(field.substring("affinity.".length()));
        if (!known) {
            throw new SegmentDefinitionException("UNKNOWN_FIELD", "no profile field '" + field + "'");
        }
        if (!OPS.contains(op)) {
            throw new SegmentDefinitionException("UNKNOWN_OPERATOR", "'" + op + "' on " + field + " (use one of "
                    + new java.util.TreeSet<>(OPS) + ")");
        }
        boolean numeric = value instanceof Number;
        boolean list = value instanceof List<?>;
        if (Set.of("gt", "gte", "lt", "lte").contains(op) && !numeric) {
            throw new SegmentDefinitionException("BAD_VALUE", field + " " + op + " needs a number, got " + value);
        }
        if (op.equals("in") && !list) {
            throw new SegmentDefinitionException("BAD_VALUE", field + " in needs a list, got " + value);
        }
        if (value == null) {
            throw new SegmentDefinitionException("BAD_VALUE", field + " " + op + " needs a value");
        }
    }

    private static boolean isCategory(String name) {
        for (MerchantCategory c : MerchantCategory.values()) {
            if (c.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    public boolean test(ProfileSnapshot p, RfmQuintiles q) {
        Object actual = switch (field) {
            case "rScore" -> q.recencyScore(p.recencyDays);
            case "fScore" -> q.frequencyScore(p.frequency90);
            case "mScore" -> q.monetaryScore(p.monetary90Krw);
            default -> p.field(field);
        };
        if (actual == null) {
            return false;
        }
        return switch (op) {
            case "eq" -> same(actual, value);
            case "ne" -> !same(actual, value);
            case "in" -> ((List<?>) value).stream().anyMatch(v -> same(actual, v));
            default -> actual instanceof Number a && compare(a.doubleValue(), ((Number) value).doubleValue());
        };
    }

    private boolean compare(double a, double b) {
        return switch (op) {
            case "gt" -> a > b;
            case "gte" -> a >= b;
            case "lt" -> a < b;
            case "lte" -> a <= b;
            default -> throw new IllegalStateException(op);
        };
    }

    private static boolean same(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            return a.doubleValue() == e.doubleValue();
        }
        return String.valueOf(actual).equals(String.valueOf(expected));
    }
}
