package io.aot.consensus.types;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Proof that one validator misbehaved, checkable by anyone who knows the chain id and the validator set (CometBFT's
 * {@code Evidence}). Honest validators gossip it and proposers include it in blocks, whose header commits to it
 * ({@link BlockHeader#evidenceHash}). The validator set's membership never changes here (only proposer priorities do),
 * so an index names the same key at every height.
 */
public sealed interface Evidence permits DuplicateVoteEvidence, DuplicateProposalEvidence {

    /** At most this many pieces of evidence in one block: bounds a block's encoded size (see WireCodec). */
    int MAX_PER_BLOCK = 32;
    /** Upper bound on one piece's wire encoding (a duplicate vote is 237 bytes, a duplicate proposal 225). */
    int MAX_ENCODED_BYTES = 256;
    /** What a header without evidence commits to: the Merkle root of the empty list. */
    Hash EMPTY_LIST_HASH = listHash(List.of());

    /** The height of the offence. */
    long height();

    /** Index of the faulty validator in the validator set. */
    int validatorIndex();

    /**
     * The offence this proves: one per kind, validator, height, round and step. Two pieces of evidence with the same
     * offence prove the same thing (a validator that signs three votes makes three pairs), so a chain commits one.
     */
    String offence();

    /** The canonical encoding, domain-separated: what {@link #hash} and the evidence pool's byte bound measure. */
    byte[] canonicalBytes();

    default Hash hash() {
        return Hash.sha256(canonicalBytes());
    }

    /** Null if this proves the offence against {@code validators} of chain {@code chainId}; otherwise why not. */
    String verify(String chainId, ValidatorSet validators);

    /** What a block header commits to: the Merkle root of the evidence hashes, in block order. */
    static Hash listHash(List<Evidence> evidence) {
        List<byte[]> leaves = new ArrayList<>(evidence.size());
        for (Evidence e : evidence) {
            leaves.add(e.hash().bytes());
        }
        return MerkleTree.root(leaves);
    }
}
