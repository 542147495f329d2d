package io.aot.consensus.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorSetTest {

    static List<KeyPair> keys(int n) {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 1);
            keys.add(KeyPair.fromSeed(seed));
        }
        return keys;
    }

    @Test
    void proposersRotateInProportionToVotingPower() {
        List<KeyPair> k = keys(3);
        ValidatorSet set = ValidatorSet.of(List.of(new Validator(k.get(0).publicKey(), 1),
                new Validator(k.get(1).publicKey(), 2), new Validator(k.get(2).publicKey(), 7)));
        int[] count = new int[3];
        ValidatorSet h = set;
        for (int height = 0; height < 1000; height++) {
            count[h.proposerIndex(0)]++;
            h = h.forNextHeight();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(count[i]).isEqualTo((int) (1000 * h.get(i).votingPower() / 10));
        }
    }

    @Test
    void roundsWithinAHeightMoveTheProposerOn() {
        ValidatorSet set = ValidatorSet.of(keys(4).stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        assertThat(List.of(set.proposerIndex(0), set.proposerIndex(1), set.proposerIndex(2), set.proposerIndex(3)))
                .containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void quorumIsMoreThanTwoThirds() {
        ValidatorSet set = ValidatorSet.of(keys(4).stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        assertThat(set.isQuorum(30)).isTrue();
        assertThat(set.isQuorum(26)).isFalse();
        assertThat(set.isOneThirdPlus(20)).isTrue();
        assertThat(set.isOneThirdPlus(10)).isFalse();
    }

    @Test
    void refusesDuplicatesAndNonPositivePower() {
        KeyPair k = keys(1).get(0);
        assertThatThrownBy(() -> ValidatorSet.of(List.of(new Validator(k.publicKey(), 1), new Validator(k.publicKey(), 2))))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new Validator(k.publicKey(), 0)).hasMessageContaining("voting power must be 1..");
    }

    /**
     * Fault 7 of the Byzantine issue: four validators of 1.2e18 (or 1e18) each made {@code power * 3} overflow, and one of them
     * alone counted as a quorum. The total is capped at MaxInt64 / 8 as CometBFT does, and at the cap every quorum
     * decision is still exact.
     */
    @Test
    void totalPowerIsCappedAndQuorumsAtTheCapAreExact() {
        List<KeyPair> k = keys(4);
        assertThatThrownBy(() -> ValidatorSet.of(k.stream().map(x -> new Validator(x.publicKey(),
                1_000_000_000_000_000_000L)).toList())).hasMessageContaining("above " + ValidatorSet.MAX_TOTAL_VOTING_POWER);
        long each = ValidatorSet.MAX_TOTAL_VOTING_POWER / 4;
        ValidatorSet set = ValidatorSet.of(k.stream().map(x -> new Validator(x.publicKey(), each)).toList());
        assertThat(set.isQuorum(each)).as("one of four").isFalse();
        assertThat(set.isQuorum(2 * each)).as("two of four").isFalse();
        assertThat(set.isQuorum(3 * each)).as("three of four").isTrue();
        assertThat(set.isOneThirdPlus(each)).isFalse();
        assertThat(set.isOneThirdPlus(2 * each)).isTrue();
        int[] proposals = new int[4];
        for (int r = 0; r < 400; r++) {
            proposals[set.proposerIndex(r % 40)]++;
        }
        assertThat(proposals).as("equal powers propose in turn").containsOnly(100);
    }

    @Test
    void certificateVerifiesAndEveryTamperingIsNamed() {
        List<KeyPair> k = keys(4);
        ValidatorSet set = ValidatorSet.of(k.stream().map(x -> new Validator(x.publicKey(), 10)).toList());
        Hash block = Hash.sha256(new byte[] {9});
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (KeyPair key : k.subList(0, 3)) {
            int idx = set.indexOf(key.publicKey());
            sigs.add(new CommitCertificate.Signature(idx,
                    key.sign(Vote.signBytes("aot-test", VoteType.PRECOMMIT, 5, 1, block))));
        }
        CommitCertificate cert = new CommitCertificate(5, 1, block, sigs);
        assertThat(cert.verify("aot-test", set, 5, block)).isNull();

        assertThat(cert.verify("other-chain", set, 5, block)).contains("bad signature");
        assertThat(cert.verify("aot-test", set, 6, block)).contains("height 5, expected 6");
        assertThat(cert.verify("aot-test", set, 5, Hash.sha256(new byte[] {8}))).contains("expected");
        assertThat(new CommitCertificate(5, 1, block, sigs.subList(0, 2)).verify("aot-test", set, 5, block))
                .contains("not more than 2/3");
        List<CommitCertificate.Signature> doubled = new ArrayList<>(sigs.subList(0, 2));
        doubled.add(sigs.get(0));
        assertThat(new CommitCertificate(5, 1, block, doubled).verify("aot-test", set, 5, block)).contains("two signatures");
        List<CommitCertificate.Signature> unknown = new ArrayList<>(sigs.subList(0, 2));
        unknown.add(new CommitCertificate.Signature(17, sigs.get(2).signature()));
        assertThat(new CommitCertificate(5, 1, block, unknown).verify("aot-test", set, 5, block)).contains("unknown");
        assertThat(new CommitCertificate(5, 2, block, sigs).verify("aot-test", set, 5, block)).contains("bad signature");
    }
}
