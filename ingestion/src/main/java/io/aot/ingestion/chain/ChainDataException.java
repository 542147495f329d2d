package io.aot.ingestion.chain;

/** The node answered, but not with what a Klaytn node answers: missing fields, bad hex, inconsistent hashes. */
public final class ChainDataException extends RuntimeException {

    public ChainDataException(String message) {
        super(message);
    }

    public ChainDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
