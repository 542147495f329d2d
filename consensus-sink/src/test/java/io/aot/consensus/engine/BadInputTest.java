package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad message is dropped with a counted reason; none changes the engine's state or throws. */
class BadInputTest {

    private static final String CHAIN = "aot-test";
    private final List<KeyPair> keys = new ArrayList<>();
    private ValidatorSet validators;
    private TendermintEngine engine;
    private final List<Object> sent = new ArrayList<>();

    @BeforeEach
    void startFollower() {
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 1);
            keys.add(KeyPair.fromSeed(seed));
        }
        validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        keys.sort((a, b) -> Integer.compare(validators.indexOf(a.publicKey()), validators.indexOf(b.publicKey())));
        engine = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, -1, null, new KeyValueApplication(),
                new InMemoryBlockStore(), new RecordingContext(sent, 1000));
        engine.start(null);
    }

    @Test
    void badSignatureUnknownValidatorWrongChainAndHugeRoundsAreDropped() {
        Hash id = Hash.sha256(new byte[] {1});
        Vote good = vote(1, VoteType.PREVOTE, 1, 0, id, CHAIN);
        engine.onVote(new Vote(good.type(), 1, 0, id, 1, new byte[64]));
        engine.onVote(new Vote(good.type(), 1, 0, id, 9, good.signature()));
        engine.onVote(vote(2, VoteType.PREVOTE, 1, 0, id, "another-chain"));
        engine.onVote(vote(2, VoteType.PREVOTE, 1, Integer.MAX_VALUE, id, CHAIN));
        engine.onVote(vote(2, VoteType.PREVOTE, 1, -1, id, CHAIN));
        engine.onVote(vote(2, VoteType.PREVOTE, 7, 0, id, CHAIN));
        engine.onVote(good);
        engine.onVote(good);

        assertThat(engine.dropped()).containsEntry("bad-vote-signature", 2L).containsEntry("unknown-validator", 1L)
                .containsEntry("bad-vote-round", 2L).containsEntry("future-height", 1L).containsEntry("duplicate", 1L);
        assertThat(engine.height()).isEqualTo(1);
        assertThat(engine.round()).isZero();
    }

    @Test
    void proposalsFromTheWrongProposerOrWithBadBlocksAreRefused() {
        int proposer = validators.proposerIndex(0);
        int other = (proposer + 1) % 4;
        engine.onProposal(proposal(other, block(List.of("a=1"), true)));
        engine.onProposal(proposal(proposer, block(List.of("a=1"), false)));

        assertThat(engine.dropped()).containsEntry("wrong-proposer", 1L);
        // the proposer's block lies about its transactions: not the block its id names, dropped on arrival
        assertThat(engine.dropped()).containsEntry("body-mismatch", 1L);
        assertThat(sent).isEmpty(); // a follower never votes
    }

    /**
     * A signed proposal of a block over the block bounds (a Byzantine proposer's) is dropped on arrival, for this
     * height or the next: never kept, so never gossiped on. Kept, its 16 MiB were re-sent at every gossip tick by every
     * honest validator, and ByzantinePeerIT's 128 MiB validators ran out of heap.
     */
    @Test
    void aProposalOverTheBlockBoundsIsNeitherKeptNorBuffered() {
        int proposer = validators.proposerIndex(0);
        long bound = EngineConfig.defaults(CHAIN).maxBlockBytes();
        List<String> txs = new ArrayList<>();
        String big = "k=" + "x".repeat(KeyValueApplication.MAX_TX_BYTES - 2);
        for (long bytes = 0; bytes <= bound; bytes += big.length()) {
            txs.add(big);
        }
        Proposal oversized = proposal(proposer, block(txs, true));
        engine.onProposal(oversized);
        engine.onProposal(new Proposal(2, 0, -1, oversized.block(), proposer, oversized.signature()));

        assertThat(engine.dropped()).containsEntry("invalid-block", 2L);
        assertThat(engine.currentHeightMessages()).isEmpty();
        assertThat(sent).isEmpty();
    }

    /**
     * Fault 7: next-height messages wait unverified, so they are bounded in bytes as well as in count; the bound is
     * the engine's config (a validator process derives it from its heap).
     */
    @Test
    void messagesOfTheNextHeightAreBufferedWithinAByteBound() {
        long boundBytes = 8L << 20;
        TendermintEngine engine = new TendermintEngine(EngineConfig.defaults(CHAIN).withMaxBufferedFutureBytes(boundBytes),
                validators, -1, null, new KeyValueApplication(), new InMemoryBlockStore(), new RecordingContext(sent, 1000));
        engine.start(null);
        List<byte[]> txs = List.of(new byte[1 << 20]);
        BlockHeader h = new BlockHeader(CHAIN, 2, 2000, null, null, MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH,
                new KeyValueApplication().lastAppHash(), validators.get(0).address(), validators.hash(), 1);
        Block big = new Block(h, txs, null);
        int proposals = (int) (boundBytes >> 20) + 10;
        for (int r = 0; r < proposals; r++) {
            engine.onProposal(new Proposal(2, r, -1, big, 0, new byte[64]));
        }
        assertThat(engine.dropped().get("future-height")).as("refused past the byte bound")
                .isBetween(10L, 12L);
    }

    @Test
    void anOversizedBlockIsInvalid() {
        TendermintEngine small = new TendermintEngine(
                new EngineConfig(CHAIN, TimeoutConfig.defaults(), 1, 1 << 20, 100, 100, SynchronyParams.defaults()),
                validators, -1, null,
                new KeyValueApplication(), new InMemoryBlockStore(), new RecordingContext(sent, 1000));
        small.start(null);
        int proposer = validators.proposerIndex(0);
        small.onProposal(proposal(proposer, block(List.of("a=1", "b=2"), true)));

        assertThat(small.dropped()).containsEntry("invalid-block", 1L);
    }

    @Test
    void aForgedCertificateDoesNotCommit() {
        Block b = block(List.of("a=1"), true);
        engine.onCommittedBlock(b, new CommitCertificate(1, 0, b.id(), List.of()));
        engine.onCommittedBlock(b, new CommitCertificate(1, 0, b.id(), List.of(
                new CommitCertificate.Signature(0, new byte[64]), new CommitCertificate.Signature(1, new byte[64]),
                new CommitCertificate.Signature(2, new byte[64]))));

        assertThat(engine.dropped()).containsEntry("bad-certificate", 2L);
        assertThat(engine.height()).isEqualTo(1);
    }

    @Test
    void aRealCertificateCommitsThroughBlockSync() {
        Block b = block(List.of("a=1", "b=2"), true);
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sigs.add(new CommitCertificate.Signature(i, keys.get(i).sign(
                    Vote.signBytes(CHAIN, VoteType.PRECOMMIT, 1, 0, b.id()))));
        }
        engine.onCommittedBlock(b, new CommitCertificate(1, 0, b.id(), sigs));

        assertThat(engine.height()).isEqualTo(2);
    }

    /**
     * The previous block's commit certificate inside a proposal: signatures this validator already checked as
     * precommits are not checked again, and a forged one (other bytes from the same validator) still is.
     */
    @Test
    void aLastCommitOfPrecommitsSeenBeforeIsAcceptedWithoutCheckingThemAgain() {
        Block first = decideFirstBlock();
        engine.onProposal(secondHeightProposal(first, precommitSignatures(first, 3)));

        assertThat(engine.dropped()).doesNotContainKey("invalid-block");
        assertThat(engine.lastCommitSignaturesReused()).isEqualTo(3);
    }

    @Test
    void aLastCommitWithAForgedSignatureIsInvalidThoughItsPrecommitsWereSeen() {
        Block first = decideFirstBlock();
        List<CommitCertificate.Signature> sigs = new ArrayList<>(precommitSignatures(first, 3));
        byte[] forged = sigs.get(1).signature().clone();
        forged[5] ^= 1;
        sigs.set(1, new CommitCertificate.Signature(1, forged));
        engine.onProposal(secondHeightProposal(first, sigs));

        assertThat(engine.dropped()).containsEntry("invalid-block", 1L);
        assertThat(engine.lastCommitSignaturesReused()).as("validator 0's, before the forged one failed").isEqualTo(1);
    }

    /**
     * Fault 1 of the Byzantine issue: a relay (or the proposer) sends the genuine header and signature with another
     * body first. The copy is dropped as not matching its header, and the genuine block, arriving after it, is still
     * the round's proposal and decides with three precommits.
     */
    @Test
    void aPoisonedCopyOfTheProposalDoesNotTaintTheGenuineBlock() {
        Block genuine = block(List.of("a=1", "b=2"), true);
        Proposal p = proposal(validators.proposerIndex(0), genuine);
        engine.onProposal(poisoned(p, List.of()));
        engine.onProposal(poisoned(p, List.of("a=1".getBytes(StandardCharsets.UTF_8))));
        engine.onProposal(p);
        for (int i = 0; i < 3; i++) {
            engine.onVote(vote(i, VoteType.PRECOMMIT, 1, 0, genuine.id(), CHAIN));
        }

        assertThat(engine.dropped()).containsEntry("body-mismatch", 2L).doesNotContainKey("invalid-block");
        assertThat(engine.height()).as("the genuine block decided").isEqualTo(2);
    }

    @Test
    void aPoisonedCopyOfTheProposalDoesNotTaintBlockSyncOfTheGenuineBlock() {
        Block genuine = block(List.of("a=1", "b=2"), true);
        engine.onProposal(poisoned(proposal(validators.proposerIndex(0), genuine), List.of()));
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sigs.add(new CommitCertificate.Signature(i, keys.get(i).sign(
                    Vote.signBytes(CHAIN, VoteType.PRECOMMIT, 1, 0, genuine.id()))));
        }
        engine.onCommittedBlock(poisoned(proposal(0, genuine), List.of()).block(),
                new CommitCertificate(1, 0, genuine.id(), sigs));
        assertThat(engine.height()).isEqualTo(1);
        engine.onCommittedBlock(genuine, new CommitCertificate(1, 0, genuine.id(), sigs));

        assertThat(engine.height()).as("the genuine block synced").isEqualTo(2);
    }

    /** The same header, signature and last commit with other transactions: what any relay can forge. */
    private static Proposal poisoned(Proposal genuine, List<byte[]> txs) {
        Block b = genuine.block();
        return new Proposal(genuine.height(), genuine.round(), genuine.validRound(),
                new Block(b.header(), txs, b.lastCommit()), genuine.proposerIndex(), genuine.signature());
    }

    /** Height 1 decided from a proposal and three precommits, then the engine's commit timeout starts height 2. */
    private Block decideFirstBlock() {
        Block b = block(List.of("a=1", "b=2"), true);
        engine.onProposal(proposal(validators.proposerIndex(0), b));
        for (int i = 0; i < 3; i++) {
            engine.onVote(vote(i, VoteType.PRECOMMIT, 1, 0, b.id(), CHAIN));
        }
        assertThat(engine.height()).isEqualTo(2);
        engine.onTimeout(new Timeout(2, 0, Step.NEW_HEIGHT));
        return b;
    }

    private List<CommitCertificate.Signature> precommitSignatures(Block b, int count) {
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sigs.add(new CommitCertificate.Signature(i, vote(i, VoteType.PRECOMMIT, 1, 0, b.id(), CHAIN).signature()));
        }
        return sigs;
    }

    private Proposal secondHeightProposal(Block first, List<CommitCertificate.Signature> lastCommit) {
        KeyValueApplication app = new KeyValueApplication();
        app.finalizeBlock(first.header(), first.txs());
        app.commit();
        ValidatorSet next = validators.forNextHeight();
        int proposer = next.proposerIndex(0);
        List<byte[]> txs = List.of("c=3".getBytes(StandardCharsets.UTF_8));
        CommitCertificate certificate = new CommitCertificate(1, 0, first.id(), lastCommit);
        BlockHeader h = new BlockHeader(CHAIN, 2, 2000, first.id(), certificate.hash(), MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH,
                app.lastAppHash(), next.get(proposer).address(), next.hash(), txs.size());
        Block b = new Block(h, txs, certificate);
        return new Proposal(2, 0, -1, b, proposer, keys.get(proposer).sign(Proposal.signBytes(CHAIN, 2, 0, -1, b.id())));
    }

    private Vote vote(int validator, VoteType type, long height, int round, Hash id, String chain) {
        return new Vote(type, height, round, id, validator,
                keys.get(validator).sign(Vote.signBytes(chain, type, height, round, id)));
    }

    private Block block(List<String> txs, boolean honestRoot) {
        List<byte[]> bytes = txs.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        Hash root = honestRoot ? MerkleTree.root(bytes) : Hash.sha256(new byte[] {7});
        BlockHeader h = new BlockHeader(CHAIN, 1, 1000, null, null, root,
                Evidence.EMPTY_LIST_HASH, new KeyValueApplication().lastAppHash(),
                validators.get(0).address(), validators.hash(), bytes.size());
        return new Block(h, bytes, null);
    }

    private Proposal proposal(int proposer, Block b) {
        return new Proposal(1, 0, -1, b, proposer,
                keys.get(proposer).sign(Proposal.signBytes(CHAIN, 1, 0, -1, b.id())));
    }

}
