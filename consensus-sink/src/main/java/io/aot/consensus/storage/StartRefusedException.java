package io.aot.consensus.storage;

import java.io.IOException;

/**
 * A validator's {@code data/} folder is not safe to run on (in use by another process, damaged, or holding a chain
 * without the signer state that guards it). The message is one line that says what is wrong and what the operator
 * should do; {@code ValidatorMain} prints it and exits with 78 ({@code EX_CONFIG} of sysexits.h) without a trace.
 */
public class StartRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public StartRefusedException(String message) {
        super(message);
    }
}
