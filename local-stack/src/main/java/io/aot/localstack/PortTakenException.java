package io.aot.localstack;

/** The free port chosen for a server was taken by another process before the server bound it: worth a retry. */
final class PortTakenException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
        super(message);
    }
}
