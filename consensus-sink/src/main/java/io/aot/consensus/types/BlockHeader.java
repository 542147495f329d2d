package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;

/**
 * What a block commits to. Its id (the block hash) is the SHA-256 of this canonical encoding; votes and certificates
 * name blocks by that id. {@code appHash} is the application's hash after the previous block, so block h+1 commits to
 * the state block h produced. The id commits to the whole block: the transactions through {@code txRoot} and
 * {@code txCount}, the previous block's certificate through {@code lastCommitHash} (null at height 1), and the
 * block's evidence of misbehaviour through {@code evidenceHash} ({@link Evidence#listHash}), as CometBFT's header
 * does with its data, last-commit and evidence hashes. So a block's validity is a property of its id: a copy whose body
 * does not match its header is not that block ({@link Block#bodyMatchesHeader}), and can never taint it.
 */
public record BlockHeader(String chainId, long height, long timeMillis, Hash lastBlockId, Hash lastCommitHash,
        Hash txRoot, Hash evidenceHash, Hash appHash, String proposerAddress, Hash validatorSetHash, int txCount) {

    public Hash id() {
        return CanonicalWriter.domain("aot/block-header/v3")
                .string(chainId).i64(height).i64(timeMillis).optionalHash(lastBlockId).optionalHash(lastCommitHash)
                .hash(txRoot).hash(evidenceHash).hash(appHash)
                .string(proposerAddress).hash(validatorSetHash).i32(txCount)
                .sha256();
    }
}
