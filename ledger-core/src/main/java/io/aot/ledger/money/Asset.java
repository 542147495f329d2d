package io.aot.ledger.money;

import java.util.regex.Pattern;

/**
 * What an amount is counted in: {@code KRW} (won), {@code AOT} (10^-18 AOT), {@code KLAY} (peb), or a point
 * company's points {@code PT:<company>}. Conservation holds per asset.
 */
public record Asset(String code) implements Comparable<Asset> {

    private static final Pattern CODE = Pattern.compile("KRW|AOT|KLAY|PT:[A-Za-z0-9_-]{1,32}");

    public static final Asset KRW = new Asset("KRW");
    public static final Asset AOT = new Asset("AOT");
    public static final Asset KLAY = new Asset("KLAY");

    public Asset {
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("not an asset code: " + code);
        }
    }

    public static Asset points(String company) {
        return new Asset("PT:" + company);
    }

    @Override
    public int compareTo(Asset o) {
        return code.compareTo(o.code);
    }

    @Override
    public String toString() {
        return code;
    }
}
