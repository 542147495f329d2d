package io.aot.ledger.terminal;

import java.util.Optional;

/** Where a registered terminal is looked up by id: the Cassandra registry in production, a map in unit tests. */
public interface TerminalDirectory extends AutoCloseable {

    Optional<Terminal> find(String terminalId);

    @Override
    default void close() {
    }
}
