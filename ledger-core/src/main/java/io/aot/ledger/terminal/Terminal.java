package io.aot.ledger.terminal;

import io.aot.avro.SignatureAlgorithm;
import java.time.Instant;

/** A registered payment terminal: whose it is, its device key, and whether it may still sign. */
public record Terminal(String terminalId, String merchantId, String merchantName, String merchantCategory, String region,
        String acquirerId, String keyId, SignatureAlgorithm algorithm, byte[] publicKey, Status status,
        Instant registeredAt, Instant revokedAt) {

    /** A revoked terminal's signatures are refused from the revocation on. */
    public enum Status { ACTIVE, REVOKED }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
