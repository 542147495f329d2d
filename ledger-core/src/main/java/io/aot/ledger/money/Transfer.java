package io.aot.ledger.money;

import java.math.BigInteger;

/**
 * One movement of value: {@code amount} of {@code asset} leaves {@code from} (its balance falls; a debit) and reaches
 * {@code to} (a credit). A transaction is a list of transfers, so it is balanced per asset by construction.
 */
public record Transfer(String from, String to, Asset asset, BigInteger amount) {
    public Transfer {
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("a transfer moves a positive amount: " + amount);
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("a transfer needs two accounts: " + from);
        }
    }
}
