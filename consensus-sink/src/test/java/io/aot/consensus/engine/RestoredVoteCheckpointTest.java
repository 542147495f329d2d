package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A vote restored at start from the signer state alone (the process died after signing it, before its checkpoint) is
 * checkpointed before anything else is signed. Before, the next signature replaced it in the signer state, and a
 * second crash before that signature's checkpoint lost the vote for good: the guard refused to sign it again, and
 * when the round needed every honest vote no prevote quorum ever formed (the simulation's on-disk seed 3468).
 */
class RestoredVoteCheckpointTest {

    private static final String CHAIN = "aot-test";
    private static final long NOW_MS = 1_000_000;

    @Test
    void aVoteRestoredFromTheSignerStateIsCheckpointedBeforeAnythingIsSigned() {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) i;
            keys.add(KeyPair.fromSeed(seed));
        }
        ValidatorSet validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        int proposer = validators.proposerIndex(0);
        int voter = (proposer + 1) % 4;
        KeyPair proposerKey = keys.stream().filter(k -> validators.indexOf(k.publicKey()) == proposer).findFirst()
                .orElseThrow();
        KeyPair voterKey = keys.stream().filter(k -> validators.indexOf(k.publicKey()) == voter).findFirst()
                .orElseThrow();

        RecordingContext proposing = new RecordingContext(new ArrayList<>(), NOW_MS);
        engine(validators, proposer, proposerKey, new InMemorySignerStore(), proposing).start(null);
        Proposal proposal = (Proposal) proposing.sent().get(0);

        // The voter prevotes the proposal; its signer state holds the prevote, its checkpoint is lost in the crash.
        InMemorySignerStore signerState = new InMemorySignerStore();
        RecordingContext beforeCrash = new RecordingContext(new ArrayList<>(), NOW_MS);
        TendermintEngine first = engine(validators, voter, voterKey, signerState, beforeCrash);
        first.start(null);
        first.onProposal(proposal);
        Vote prevote = (Vote) beforeCrash.sent().get(beforeCrash.sent().size() - 1);
        assertThat(prevote.type()).isEqualTo(VoteType.PREVOTE);
        assertThat(prevote.blockId()).isEqualTo(proposal.block().id());

        RecordingContext restarted = new RecordingContext(new ArrayList<>(), NOW_MS);
        engine(validators, voter, voterKey, signerState, restarted).start(null);
        assertThat(signerState.load().signBytes()).as("nothing new signed").isEqualTo(prevote.signBytes(CHAIN));
        assertThat(restarted.checkpoints()).as("a checkpoint at start").isNotEmpty();
        assertThat(restarted.checkpoints().get(0).ownVotes()).extracting(Vote::type, Vote::round, Vote::blockId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(VoteType.PREVOTE, 0, proposal.block().id()));
    }

    private static TendermintEngine engine(ValidatorSet validators, int index, KeyPair key, InMemorySignerStore store,
            RecordingContext context) {
        return new TendermintEngine(EngineConfig.defaults(CHAIN), validators, index,
                new SignerGuard(key::sign, store), new KeyValueApplication(), new InMemoryBlockStore(), context);
    }
}
