package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;

/**
 * What a block commits to. Its id (the block hash) is the SHA-256 of this canonical encoding; votes and certificates
 * name blocks by that id. {@code appHash} is the application's hash after the previous block, so block h+1 commits to
 * the state block h produced.
 */
public record BlockHeader(String chainId, long height, long timeMillis, Hash lastBlockId, Hash txRoot, Hash appHash,
        String proposerAddress, Hash validatorSetHash, int txCount) {

    public Hash id() {
        return CanonicalWriter.domain("aot/block-header/v1")
                .string(chainId).i64(height).i64(timeMillis).optionalHash(lastBlockId).hash(txRoot).hash(appHash)
                .string(proposerAddress).hash(validatorSetHash).i32(txCount)
                .sha256();
    }
}
