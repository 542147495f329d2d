package io.aot.consensus.node;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import java.util.List;

/**
 * The client API on the RPC port, over the same length-prefixed frames: a request is a type byte and a body.
 *
 * <ul>
 *   <li>{@code SUBMIT_BATCH}: endorser key, signature, transactions; answer: status, added, duplicates, rejected.
 *   {@code ACCEPTED} means that more validators than can fail (f + 1) hold the batch; {@code FULL_RETRY} and
 *   {@code NOT_REPLICATED_RETRY} ask the client to submit the same batch again after a pause</li>
 *   <li>{@code GET_BLOCK}: height; answer: found flag, block and certificate</li>
 *   <li>{@code LATEST_HEIGHT}: answer: height</li>
 *   <li>{@code SUBSCRIBE}: first height; answer: a frame per committed block from there on, until disconnect</li>
 *   <li>{@code TX_PROOF}: height, index; answer: found flag, header, transaction, Merkle proof, certificate</li>
 *   <li>{@code GET_RESULTS}: height; answer: found flag, count, one result code per transaction in block order (not
 *   covered by the certificate: a validator's word, to cross-check with another validator or a replay)</li>
 *   <li>{@code STATUS}: no body; answer: the validator's figures, {@link ValidatorStatus} in its field order (the same
 *   values as its Prometheus metrics)</li>
 * </ul>
 */
public final class RpcProtocol {

    public static final int SUBMIT_BATCH = 1;
    public static final int GET_BLOCK = 2;
    public static final int LATEST_HEIGHT = 3;
    public static final int SUBSCRIBE = 4;
    public static final int TX_PROOF = 5;
    public static final int GET_RESULTS = 6;
    public static final int STATUS = 7;

    /** SUBMIT_BATCH answers. */
    public static final int ACCEPTED = 0;
    public static final int FULL_RETRY = 1;
    public static final int BAD_ENDORSEMENT = 2;
    public static final int MALFORMED = 3;
    /** In this validator's mempool, but fewer than f peers confirmed they hold it within the replication timeout. */
    public static final int NOT_REPLICATED_RETRY = 4;

    /** Largest batch a client may submit in one request. */
    public static final int MAX_BATCH_TXS = 10_000;

    private RpcProtocol() {
    }

    /** What an ingestion endorser signs for a batch: the Merkle root of its transactions under the chain id. */
    public static byte[] batchSignBytes(String chainId, List<byte[]> txs) {
        Hash root = MerkleTree.root(txs);
        return CanonicalWriter.domain("aot/batch/v1").string(chainId).i32(txs.size()).hash(root).toByteArray();
    }
}
