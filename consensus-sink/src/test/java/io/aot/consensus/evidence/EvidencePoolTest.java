package io.aot.consensus.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's rules on pure data: signatures are the verifier's concern, not the pool's. */
class EvidencePoolTest {

    @Test
    void pendingEvidenceIsBoundedInItemsAndInBytes() {
        int bytes = evidence(0, 1, 0).canonicalBytes().length;
        EvidencePool byItems = new EvidencePool(new EvidenceParams(100, 3, 1 << 20));
        for (int v = 0; v < 3; v++) {
            assertThat(byItems.add(evidence(v, 1, 0), 2)).isEqualTo(EvidencePool.AddResult.ADDED);
        }
        assertThat(byItems.add(evidence(3, 1, 0), 2)).isEqualTo(EvidencePool.AddResult.FULL);
        assertThat(byItems.pendingCount()).isEqualTo(3);

        EvidencePool byBytes = new EvidencePool(new EvidenceParams(100, 1_000, 2L * bytes + 1));
        assertThat(byBytes.add(evidence(0, 1, 0), 2)).isEqualTo(EvidencePool.AddResult.ADDED);
        assertThat(byBytes.add(evidence(1, 1, 0), 2)).isEqualTo(EvidencePool.AddResult.ADDED);
        assertThat(byBytes.add(evidence(2, 1, 0), 2)).isEqualTo(EvidencePool.AddResult.FULL);
        assertThat(byBytes.pendingBytes()).isEqualTo(2L * bytes);
    }

    @Test
    void oneOffenceIsKeptOnceAndLeavesThePoolWhenCommitted() {
        EvidencePool pool = new EvidencePool(new EvidenceParams(100, 10, 1 << 20));
        Evidence first = evidence(0, 1, 0);
        // The same validator, height, round and type with a third block: the same offence.
        Evidence sameOffence = DuplicateVoteEvidence.of(vote(0, 1, 0, Hash.sha256(new byte[] {7})),
                vote(0, 1, 0, null));
        assertThat(pool.add(first, 2)).isEqualTo(EvidencePool.AddResult.ADDED);
        assertThat(pool.add(sameOffence, 2)).isEqualTo(EvidencePool.AddResult.KNOWN);
        assertThat(pool.isPendingExactly(first)).isTrue();
        assertThat(pool.isPendingExactly(sameOffence)).isFalse();

        pool.update(2, List.of(sameOffence)); // another pair of the offence made it into block 2
        assertThat(pool.pendingCount()).isZero();
        assertThat(pool.pendingBytes()).isZero();
        assertThat(pool.isCommitted(first.offence())).isTrue();
        assertThat(pool.add(first, 3)).as("committed already").isEqualTo(EvidencePool.AddResult.KNOWN);
    }

    @Test
    void aBlockTakesOnlyEvidenceOfEarlierHeightsOldestFirstUpToItsLimit() {
        EvidencePool pool = new EvidencePool(new EvidenceParams(100, 10, 1 << 20));
        pool.add(evidence(2, 3, 0), 3);
        pool.add(evidence(1, 2, 0), 3);
        pool.add(evidence(0, 2, 1), 3);

        assertThat(pool.forBlock(3, 10)).extracting(Evidence::offence)
                .containsExactly("duplicate-vote/1/2/0/PREVOTE", "duplicate-vote/0/2/1/PREVOTE");
        assertThat(pool.forBlock(3, 1)).hasSize(1);
        assertThat(pool.forBlock(4, 10)).hasSize(3);
    }

    @Test
    void evidenceOlderThanTheMaxAgeExpiresFromThePendingListAndTheCommittedMemory() {
        EvidencePool pool = new EvidencePool(new EvidenceParams(2, 10, 1 << 20));
        Evidence atOne = evidence(0, 1, 0);
        Evidence atTwo = evidence(1, 2, 0);
        pool.add(atOne, 2);
        pool.add(atTwo, 3);
        pool.update(2, List.of());
        assertThat(pool.pendingCount()).as("height 1 still fits a block of height 3").isEqualTo(2);
        pool.update(3, List.of(atTwo));
        assertThat(pool.pending()).as("height 1 is too old for a block of height 4").isEmpty();
        assertThat(pool.pendingBytes()).isZero();
        assertThat(pool.isExpired(1, 4)).isTrue();
        assertThat(pool.add(atOne, 4)).isEqualTo(EvidencePool.AddResult.EXPIRED);

        assertThat(pool.isCommitted(atTwo.offence())).as("remembered while evidence of height 2 fits block 4")
                .isTrue();
        pool.update(4, List.of());
        assertThat(pool.isCommitted(atTwo.offence())).as("forgotten once it would be refused as expired").isFalse();
    }

    @Test
    void boundsArePositive() {
        assertThatThrownBy(() -> new EvidenceParams(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvidenceParams(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvidenceParams(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Evidence evidence(int validator, long height, int round) {
        return DuplicateVoteEvidence.of(vote(validator, height, round, Hash.sha256(new byte[] {1})),
                vote(validator, height, round, Hash.sha256(new byte[] {2})));
    }

    private static Vote vote(int validator, long height, int round, Hash id) {
        return new Vote(VoteType.PREVOTE, height, round, id, validator, new byte[64]);
    }
}
