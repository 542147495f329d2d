package io.aot.schemas.cql;

/** The platform's three keyspaces; each has a DDL script {@code io/aot/schemas/cql/<defaultName>.cql}. */
public enum Keyspace {
    LEDGER("aot_ledger"),
    ANALYTICS("aot_analytics"),
    ADS("aot_ads");

    private final String defaultName;

    Keyspace(String defaultName) {
        this.defaultName = defaultName;
    }

    /** The production keyspace name; tests and side-by-side deployments choose another. */
    public String defaultName() {
        return defaultName;
    }

    String scriptResource() {
        return "io/aot/schemas/cql/" + defaultName + ".cql";
    }
}
