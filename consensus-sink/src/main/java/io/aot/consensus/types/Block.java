package io.aot.consensus.types;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import java.util.List;

/**
 * A header, its transactions, the certificate that committed the previous block (null at height 1), and evidence of
 * validators' misbehaviour the proposer included (CometBFT's block {@code Evidence}; at most
 * {@link Evidence#MAX_PER_BLOCK}).
 */
public record Block(BlockHeader header, List<byte[]> txs, CommitCertificate lastCommit, List<Evidence> evidence) {

    public Block {
        txs = List.copyOf(txs);
        evidence = List.copyOf(evidence);
    }

    /** A block without evidence. */
    public Block(BlockHeader header, List<byte[]> txs, CommitCertificate lastCommit) {
        this(header, txs, lastCommit, List.of());
    }

    public Hash id() {
        return header.id();
    }

    public long height() {
        return header.height();
    }

    /** The header commits to exactly these transactions. */
    public boolean txsMatchHeader() {
        return header.txCount() == txs.size() && MerkleTree.root(txs).equals(header.txRoot());
    }

    /**
     * The header commits to exactly this body: these transactions, this last commit and this evidence. A block that
     * fails this is not the block its id names (anyone can pair a genuine signed header with another body), so it is
     * dropped before anything about the id is cached or stored.
     */
    public boolean bodyMatchesHeader() {
        return java.util.Objects.equals(header.lastCommitHash(), lastCommit == null ? null : lastCommit.hash())
                && header.evidenceHash().equals(Evidence.listHash(evidence))
                && txsMatchHeader();
    }

    public long txBytes() {
        long n = 0;
        for (byte[] tx : txs) {
            n += tx.length;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Block(h=" + header.height() + ", " + txs.size() + " txs, " + id().shortHex() + ")";
    }
}
