package io.aot.consensus.types;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import java.util.List;

/** A header, its transactions, and the certificate that committed the previous block (null at height 1). */
public record Block(BlockHeader header, List<byte[]> txs, CommitCertificate lastCommit) {

    public Block {
        txs = List.copyOf(txs);
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
     * The header commits to exactly this body: these transactions and this last commit. A block that fails this is
     * not the block its id names (anyone can pair a genuine signed header with another body), so it is dropped before
     * anything about the id is cached or stored.
     */
    public boolean bodyMatchesHeader() {
        return java.util.Objects.equals(header.lastCommitHash(), lastCommit == null ? null : lastCommit.hash())
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
