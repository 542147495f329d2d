package io.aot.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.SynchronyParams;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The auditor lists committed evidence per height, and a committed piece that does not verify is a finding. */
class ChainAuditorTest {

    private static final String CHAIN = "aot-audit";

    @Test
    void committedEvidenceIsListedByHeightAndForgedEvidenceIsAFinding() {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 31);
            keys.add(KeyPair.fromSeed(seed));
        }
        List<Validator> members = keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList();
        ValidatorSet set = ValidatorSet.of(members);
        keys.sort((a, b) -> Integer.compare(set.indexOf(a.publicKey()), set.indexOf(b.publicKey())));
        Genesis genesis = new Genesis(CHAIN, members, List.of("a", "b", "c", "d"), List.of(), "kv",
                SynchronyParams.defaults());

        Evidence doubleVote = DuplicateVoteEvidence.of(vote(keys, 3, 1, Hash.ZERO), vote(keys, 3, 1, null));
        Evidence forged = DuplicateVoteEvidence.of(vote(keys, 2, 1, Hash.ZERO),
                new Vote(VoteType.PREVOTE, 1, 0, null, 2, new byte[64]));
        WireCodec.CommittedBlock b1 = committed(keys, set, 1, null, List.of());
        WireCodec.CommittedBlock b2 = committed(keys, set, 2, b1.block(), List.of(doubleVote));
        WireCodec.CommittedBlock b3 = committed(keys, set, 3, b2.block(), List.of(forged));

        ChainAuditor.Report report = new ChainAuditor(genesis, id -> Optional.empty()).audit(null, List.of(b1, b2, b3));

        assertThat(report.evidence()).hasSize(2);
        ChainAuditor.CommittedEvidence listed = report.evidence().get(0);
        assertThat(listed.height()).isEqualTo(2);
        assertThat(listed.offenceHeight()).isEqualTo(1);
        assertThat(listed.validator()).isEqualTo(set.get(3).address());
        assertThat(listed.offence()).isEqualTo("duplicate-vote/3/1/0/PREVOTE");
        assertThat(report.findings()).extracting(ChainAuditor.Finding::height, ChainAuditor.Finding::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, "BAD_EVIDENCE"));
    }

    private static Vote vote(List<KeyPair> keys, int validator, long height, Hash id) {
        return new Vote(VoteType.PREVOTE, height, 0, id, validator,
                keys.get(validator).sign(Vote.signBytes(CHAIN, VoteType.PREVOTE, height, 0, id)));
    }

    private static WireCodec.CommittedBlock committed(List<KeyPair> keys, ValidatorSet set, long height, Block previous,
            List<Evidence> evidence) {
        BlockHeader h = new BlockHeader(CHAIN, height, 1_000 * height, previous == null ? null : previous.id(), null,
                MerkleTree.root(List.of()), Evidence.listHash(evidence), Hash.ZERO, set.get(0).address(), set.hash(),
                0);
        Block b = new Block(h, List.of(), null, evidence);
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sigs.add(new CommitCertificate.Signature(i,
                    keys.get(i).sign(Vote.signBytes(CHAIN, VoteType.PRECOMMIT, height, 0, b.id()))));
        }
        return new WireCodec.CommittedBlock(b, new CommitCertificate(height, 0, b.id(), sigs));
    }
}
