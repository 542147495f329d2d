package io.aot.consensus.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static List<byte[]> items(int n) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(("tx" + i).getBytes(StandardCharsets.UTF_8));
        }
        return items;
    }

    @Test
    void rootFollowsRfc6962Shape() {
        List<byte[]> three = items(3);
        Hash left = MerkleTree.innerHash(MerkleTree.leafHash(three.get(0)), MerkleTree.leafHash(three.get(1)));
        assertThat(MerkleTree.root(three)).isEqualTo(MerkleTree.innerHash(left, MerkleTree.leafHash(three.get(2))));
        assertThat(MerkleTree.root(items(1))).isEqualTo(MerkleTree.leafHash(items(1).get(0)));
        assertThat(MerkleTree.root(List.of())).isEqualTo(Hash.sha256());
    }

    @Test
    void everyProofOfEveryTreeSizeVerifiesAndOnlyForItsItem() {
        for (int n = 1; n <= 33; n++) {
            List<byte[]> items = items(n);
            Hash root = MerkleTree.root(items);
            for (int i = 0; i < n; i++) {
                MerkleTree.Proof proof = MerkleTree.proof(items, i);
                assertThat(proof.verify(root, items.get(i))).as("n=%d i=%d", n, i).isTrue();
                assertThat(proof.verify(root, "forged".getBytes(StandardCharsets.UTF_8))).isFalse();
                if (n > 1) {
                    assertThat(proof.verify(root, items.get((i + 1) % n))).isFalse();
                    MerkleTree.Proof moved = new MerkleTree.Proof((i + 1) % n, n, proof.aunts());
                    assertThat(moved.verify(root, items.get(i))).as("wrong index n=%d i=%d", n, i).isFalse();
                }
            }
        }
    }

    @Test
    void aTamperedAuntOrTruncatedProofFails() {
        List<byte[]> items = items(10);
        Hash root = MerkleTree.root(items);
        MerkleTree.Proof proof = MerkleTree.proof(items, 6);
        List<Hash> aunts = new ArrayList<>(proof.aunts());
        aunts.set(0, Hash.sha256(new byte[] {1}));
        assertThat(new MerkleTree.Proof(6, 10, aunts).verify(root, items.get(6))).isFalse();
        assertThat(new MerkleTree.Proof(6, 10, proof.aunts().subList(1, proof.aunts().size()))
                .verify(root, items.get(6))).isFalse();
        // a total that changes the tree's shape changes the path (one that keeps it, say 11, proves the same leaf)
        assertThat(new MerkleTree.Proof(6, 7, proof.aunts()).verify(root, items.get(6))).isFalse();
    }
}
