package io.aot.consensus.engine;

import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;

/** Committed blocks with their certificates, by height (1..height()). */
public interface BlockStore {

    /** A committed block and the certificate that committed it. */
    record Entry(Block block, CommitCertificate certificate) {
    }

    long height();

    /** Null if not stored. */
    Entry load(long height);

    void save(Block block, CommitCertificate certificate);
}
