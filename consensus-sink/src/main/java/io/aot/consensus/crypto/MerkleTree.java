package io.aot.consensus.crypto;

import java.util.ArrayList;
import java.util.List;

/**
 * Merkle tree over transactions, as RFC 6962 and CometBFT define it: leaf = SHA-256(0x00 || tx), inner =
 * SHA-256(0x01 || left || right), split at the largest power of two below n. The domain bytes keep a leaf from
 * passing for an inner node. The root of no transactions is SHA-256 of nothing.
 */
public final class MerkleTree {

    private static final byte[] LEAF = {0};
    private static final byte[] INNER = {1};

    private MerkleTree() {
    }

    public static Hash root(List<byte[]> items) {
        if (items.isEmpty()) {
            return Hash.sha256();
        }
        return subtreeRoot(items, 0, items.size());
    }

    private static Hash subtreeRoot(List<byte[]> items, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leafHash(items.get(from));
        }
        int k = splitPoint(n);
        return innerHash(subtreeRoot(items, from, from + k), subtreeRoot(items, from + k, to));
    }

    public static Hash leafHash(byte[] item) {
        return Hash.sha256(LEAF, item);
    }

    static Hash innerHash(Hash left, Hash right) {
        return Hash.sha256(INNER, left.unsafeBytes(), right.unsafeBytes());
    }

    /** Largest power of two strictly less than n (n >= 2). */
    static int splitPoint(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /** Inclusion proof of item {@code index}: sibling hashes from the leaf up. */
    public static Proof proof(List<byte[]> items, int index) {
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("no item " + index + " among " + items.size());
        }
        List<Hash> aunts = new ArrayList<>();
        collectAunts(items, 0, items.size(), index, aunts);
        return new Proof(index, items.size(), List.copyOf(aunts));
    }

    private static void collectAunts(List<byte[]> items, int from, int to, int index, List<Hash> aunts) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = splitPoint(n);
        if (index - from < k) {
            collectAunts(items, from, from + k, index, aunts);
            aunts.add(subtreeRoot(items, from + k, to));
        } else {
            collectAunts(items, from + k, to, index, aunts);
            aunts.add(subtreeRoot(items, from, from + k));
        }
    }

    /** Proof that a leaf sits at {@code index} of a tree of {@code total} leaves. */
    public record Proof(int index, int total, List<Hash> aunts) {

        /** True if {@code item} at this proof's position yields {@code root}. */
        public boolean verify(Hash root, byte[] item) {
            if (index < 0 || index >= total || total < 1) {
                return false;
            }
            Hash computed = computeRoot(leafHash(item), index, total, aunts, aunts.size());
            return computed != null && computed.equals(root);
        }

        private static Hash computeRoot(Hash leaf, int index, int total, List<Hash> aunts, int auntCount) {
            if (total == 1) {
                return auntCount == 0 ? leaf : null;
            }
            if (auntCount == 0) {
                return null;
            }
            int k = splitPoint(total);
            Hash aunt = aunts.get(auntCount - 1);
            if (index < k) {
                Hash left = computeRoot(leaf, index, k, aunts, auntCount - 1);
                return left == null ? null : innerHash(left, aunt);
            }
            Hash right = computeRoot(leaf, index - k, total - k, aunts, auntCount - 1);
            return right == null ? null : innerHash(aunt, right);
        }
    }
}
