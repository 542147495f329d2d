package io.aot.ledger.state;

/**
 * Ledger account names, and which may go below zero. Customer wallets, the reward pool, point companies' AOT
 * reserves and the treasury hold real value and never overdraw; receivables and liabilities (what an acquirer owes a
 * merchant, points a company has issued) are negative by nature.
 */
public final class Accounts {

    public static final String REWARD_POOL = "pool:reward";
    public static final String TREASURY = "treasury";
    /** The counter-account of every unit brought into existence at genesis: minus the supply, by nature. */
    public static final String ISSUANCE = "issuance";

    private Accounts() {
    }

    public static String wallet(String address) {
        return "wallet:" + address;
    }

    public static String merchant(String merchantId) {
        return "merchant:" + merchantId;
    }

    /** What the acquirer owes merchants for card/NFC/QR payments until settlement. */
    public static String acquirerPayable(String acquirerId) {
        return "acquirer:" + acquirerId + ":payable";
    }

    /** Points a company has outstanding; swapping retires them. */
    public static String pointsOutstanding(String company) {
        return "pointco:" + company + ":outstanding";
    }

    public static String pointsRetired(String company) {
        return "pointco:" + company + ":retired";
    }

    /** AOT the company funded to pay for swapped points. */
    public static String pointsReserve(String company) {
        return "pointco:" + company + ":aot-reserve";
    }

    /**
     * The counter-account of an on-chain token's mints (Transfer from the zero address) and burns (to it): minus the
     * supply minted on chain, by nature (may overdraw).
     */
    public static String tokenSupply(String tokenContract) {
        return "chain:" + tokenContract + ":supply";
    }

    /** KIP-7 / ERC-20: a Transfer log from the zero address is a mint, one to it a burn. */
    public static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    /**
     * The ledger account of a Klaytn Transfer log's address: the zero address is the token's supply
     * ({@link #tokenSupply}: mints and burns move against it), any other address its wallet. Case-insensitive, as
     * hex addresses are.
     */
    public static String chainAccount(String address, String tokenContract) {
        return ZERO_ADDRESS.equalsIgnoreCase(address) ? tokenSupply(tokenContract) : wallet(address);
    }

    public static String feePayer(String address) {
        return "feepayer:" + address;
    }

    public static boolean mayOverdraw(String account) {
        return !(account.startsWith("wallet:") || account.equals(REWARD_POOL) || account.equals(TREASURY)
                || account.endsWith(":aot-reserve"));
    }
}
