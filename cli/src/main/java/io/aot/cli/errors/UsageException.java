package io.aot.cli.errors;

/**
 * A bad argument that only the command's code can tell (a malformed host:port, a key that is not hex): reported like
 * picocli's own usage errors, one line and exit 2. Code without the command's {@code CommandLine} at hand throws it.
 */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
