package io.aot.consensus.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Evidence proves an offence only with both signatures of one known validator over two different messages. */
class EvidenceVerificationTest {

    private static final String CHAIN = "aot-test";
    private static final Hash X = Hash.sha256(new byte[] {1});
    private static final Hash Y = Hash.sha256(new byte[] {2});
    private final List<KeyPair> keys = new ArrayList<>();
    private ValidatorSet validators;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    @BeforeEach
    void validators() {
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 1);
            keys.add(KeyPair.fromSeed(seed));
        }
        validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        keys.sort((a, b) -> Integer.compare(validators.indexOf(a.publicKey()), validators.indexOf(b.publicKey())));
    }

    @Test
    void twoSignedVotesForDifferentBlocksProveADuplicateVote() {
        DuplicateVoteEvidence e = DuplicateVoteEvidence.of(vote(2, VoteType.PREVOTE, 5, 1, Y),
                vote(2, VoteType.PREVOTE, 5, 1, X));

        assertThat(e.verify(CHAIN, validators)).isNull();
        assertThat(DuplicateVoteEvidence.of(vote(2, VoteType.PRECOMMIT, 5, 1, null), vote(2, VoteType.PRECOMMIT, 5, 1, X))
                .verify(CHAIN, validators)).as("nil against a block").isNull();
        assertThat(e.height()).isEqualTo(5);
        assertThat(e.validatorIndex()).isEqualTo(2);
        assertThat(e.offence()).isEqualTo("duplicate-vote/2/5/1/PREVOTE");
        assertThat(DuplicateVoteEvidence.of(e.voteB(), e.voteA()).hash()).as("one pair, one hash").isEqualTo(e.hash());
    }

    @Test
    void aDuplicateVoteIsRefusedUnlessEveryRuleHolds() {
        Vote a = vote(2, VoteType.PREVOTE, 5, 1, X);
        assertThat(DuplicateVoteEvidence.of(a, new Vote(VoteType.PREVOTE, 5, 1, Y, 2, new byte[64]))
                .verify(CHAIN, validators)).contains("bad signature");
        assertThat(DuplicateVoteEvidence.of(a, vote(1, VoteType.PREVOTE, 5, 1, Y)).verify(CHAIN, validators))
                .contains("two validators");
        assertThat(DuplicateVoteEvidence.of(a, vote(2, VoteType.PREVOTE, 6, 1, Y)).verify(CHAIN, validators))
                .contains("height, round or type");
        assertThat(DuplicateVoteEvidence.of(a, vote(2, VoteType.PREVOTE, 5, 2, Y)).verify(CHAIN, validators))
                .contains("height, round or type");
        assertThat(DuplicateVoteEvidence.of(a, vote(2, VoteType.PRECOMMIT, 5, 1, Y)).verify(CHAIN, validators))
                .contains("height, round or type");
        assertThat(DuplicateVoteEvidence.of(a, vote(2, VoteType.PREVOTE, 5, 1, X)).verify(CHAIN, validators))
                .contains("same block");
        DuplicateVoteEvidence ordered = DuplicateVoteEvidence.of(a, vote(2, VoteType.PREVOTE, 5, 1, Y));
        assertThat(new DuplicateVoteEvidence(ordered.voteB(), ordered.voteA()).verify(CHAIN, validators))
                .contains("canonical order");
        assertThat(ordered.verify("another-chain", validators)).contains("bad signature");
        // A key outside the set signs "as" index 9.
        KeyPair stranger = KeyPair.fromSeed(new byte[32]);
        Vote s1 = new Vote(VoteType.PREVOTE, 5, 1, X, 9, stranger.sign(Vote.signBytes(CHAIN, VoteType.PREVOTE, 5, 1, X)));
        Vote s2 = new Vote(VoteType.PREVOTE, 5, 1, Y, 9, stranger.sign(Vote.signBytes(CHAIN, VoteType.PREVOTE, 5, 1, Y)));
        assertThat(DuplicateVoteEvidence.of(s1, s2).verify(CHAIN, validators)).contains("unknown validator");
    }

    @Test
    void twoSignedProposalsForOneRoundProveADuplicateProposal() {
        DuplicateProposalEvidence e = proposals(1, 4, 2, -1, X, -1, Y);
        assertThat(e.verify(CHAIN, validators)).isNull();
        assertThat(e.offence()).isEqualTo("duplicate-proposal/1/4/2");
        assertThat(proposals(1, 4, 2, -1, X, 0, X)
                .verify(CHAIN, validators)).as("same block, another valid round").isNull();

        assertThat(proposals(1, 4, 2, -1, X, -1, X)
                .verify(CHAIN, validators)).contains("same");
        DuplicateProposalEvidence forged = new DuplicateProposalEvidence(4, 2, 1, e.proposalA(),
                new DuplicateProposalEvidence.Signed(e.proposalB().validRound(), e.proposalB().blockId(),
                        new byte[64]));
        assertThat(forged.verify(CHAIN, validators)).contains("bad signature");
        assertThat(new DuplicateProposalEvidence(4, 2, 0, e.proposalA(), e.proposalB()).verify(CHAIN, validators))
                .as("another validator's name on them").contains("bad signature");
        assertThat(new DuplicateProposalEvidence(4, 2, 7, e.proposalA(), e.proposalB()).verify(CHAIN, validators))
                .contains("unknown validator");
        assertThat(new DuplicateProposalEvidence(4, 2, 1, e.proposalB(), e.proposalA()).verify(CHAIN, validators))
                .contains("canonical order");
    }

    @Test
    void evidenceRoundTripsThroughTheCodecWithinItsSizeBound() throws Exception {
        List<Evidence> all = List.of(
                DuplicateVoteEvidence.of(vote(2, VoteType.PREVOTE, 5, 1, X), vote(2, VoteType.PREVOTE, 5, 1, Y)),
                proposals(1, 4, 2, -1, X, 1, Y));
        for (Evidence e : all) {
            byte[] frame = codec.encodeMessage(e);
            assertThat(frame.length - 1).isLessThanOrEqualTo(Evidence.MAX_ENCODED_BYTES);
            Evidence back = (Evidence) codec.decodeMessage(frame);
            assertThat(back.hash()).isEqualTo(e.hash());
            assertThat(back.verify(CHAIN, validators)).isNull();
        }
    }

    @Test
    void theCodecRefusesEvidenceOfTheWrongShape() {
        Vote a = vote(2, VoteType.PREVOTE, 5, 1, X);
        assertThatThrownBy(() -> codec.decodeMessage(codec.encodeMessage(new DuplicateVoteEvidence(a, a))))
                .hasMessageContaining("one block twice");
        assertThatThrownBy(() -> codec.decodeMessage(codec.encodeMessage(
                DuplicateVoteEvidence.of(a, vote(1, VoteType.PREVOTE, 5, 1, Y))))).hasMessageContaining("two validators");
        assertThatThrownBy(() -> codec.decodeMessage(codec.encodeMessage(
                proposals(1, 4, 2, 2, X, -1, Y))))
                .hasMessageContaining("valid round");
        assertThatThrownBy(() -> codec.decodeMessage(new CanonicalWriter().u8(WireCodec.EVIDENCE).u8(9).toByteArray()))
                .hasMessageContaining("unknown evidence kind");
    }

    private Vote vote(int validator, VoteType type, long height, int round, Hash id) {
        return new Vote(type, height, round, id, validator,
                keys.get(validator).sign(Vote.signBytes(CHAIN, type, height, round, id)));
    }

    private DuplicateProposalEvidence proposals(int proposer, long height, int round, int vrA, Hash idA, int vrB,
            Hash idB) {
        DuplicateProposalEvidence.Signed a = signed(proposer, height, round, vrA, idA);
        DuplicateProposalEvidence.Signed b = signed(proposer, height, round, vrB, idB);
        int order = idA.equals(idB) ? Integer.compare(vrA, vrB) : idA.compareTo(idB);
        return order <= 0 ? new DuplicateProposalEvidence(height, round, proposer, a, b)
                : new DuplicateProposalEvidence(height, round, proposer, b, a);
    }

    private DuplicateProposalEvidence.Signed signed(int proposer, long height, int round, int validRound, Hash id) {
        return new DuplicateProposalEvidence.Signed(validRound, id,
                keys.get(proposer).sign(Proposal.signBytes(CHAIN, height, round, validRound, id)));
    }
}
