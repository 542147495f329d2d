package io.aot.jobs.ingest.registry;

import io.aot.ledger.terminal.TerminalDirectory;
import java.io.Serializable;

/** Opens a {@link TerminalDirectory} on the task manager: shipped with the job, so it holds settings, not sessions. */
@FunctionalInterface
public interface TerminalDirectoryFactory extends Serializable {

    TerminalDirectory open();
}
