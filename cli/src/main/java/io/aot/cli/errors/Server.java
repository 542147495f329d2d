package io.aot.cli.errors;

/** A server an {@code aot} command talks to, as its one-line error names it, with how to get one. */
public enum Server {
    CASSANDRA("Cassandra", "start one with ./aot stack", "HOST:PORT"),
    KAFKA("Kafka", "start one with ./aot stack", "HOST:PORT"),
    VALIDATOR("the validator", "start one with ./aot validator --home DIR", "HOST:PORT"),
    KLAYTN_NODE("the Klaytn node", "check that it runs", "URL"),
    GATEWAY("the gateway", "start one with ./aot gateway", "URL");

    private final String displayName;
    private final String howToGetOne;
    private final String placeholder;

    Server(String displayName, String howToGetOne, String placeholder) {
        this.displayName = displayName;
        this.howToGetOne = howToGetOne;
        this.placeholder = placeholder;
    }

    /** How a message names it: "Cassandra", "the validator". */
    public String displayName() {
        return displayName;
    }

    /** What to do, for the server the command found at {@code option}: "start one with ./aot stack or pass ...". */
    public String advice(String option) {
        return howToGetOne + " or pass " + option + " " + placeholder;
    }
}
