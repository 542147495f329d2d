package io.aot.cli.errors;

/**
 * A server did not do its part: refused the connection, is unknown, stayed silent, or closed the connection. Thrown
 * where a command knows which server it was talking to, so the one-line error names it, the address and the option.
 */
public final class ServerUnavailableException extends RuntimeException {

    private final Server server;
    private final String option;
    private final String address;

    /** @param option the command's option that gave {@code address}, e.g. {@code --cassandra} */
    public ServerUnavailableException(Server server, String option, String address, Throwable cause) {
        super(server.displayName() + " at " + address + " (" + option + ") did not answer", cause);
        this.server = server;
        this.option = option;
        this.address = address;
    }

    public Server server() {
        return server;
    }

    public String option() {
        return option;
    }

    public String address() {
        return address;
    }
}
