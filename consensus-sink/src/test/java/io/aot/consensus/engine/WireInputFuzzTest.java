package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateProposalEvidence;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every frame type with every numeric field drawn from the extremes (0, -1, 1, MAX, MIN and random values), encoded
 * with the real codec, decoded as a peer's frame would be, and fed to a voting engine: decoding either refuses the frame
 * (the sender loses its connection) or yields fields in range, and the engine never throws and never leaves height 1
 * on input that no quorum signed.
 */
class WireInputFuzzTest {

    private static final String CHAIN = "aot-fuzz";
    private static final long[] LONGS = {0, -1, 1, 2, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE};
    private static final int[] INTS = {0, -1, 1, 2, 3, 4, Integer.MAX_VALUE, Integer.MIN_VALUE};

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
    private final SplittableRandom random = new SplittableRandom(2026_11_30);

    @Test
    void extremeFieldsAreRefusedByTheCodecOrDroppedByTheEngine() throws Exception {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 11);
            keys.add(KeyPair.fromSeed(seed));
        }
        ValidatorSet validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        int self = validators.indexOf(keys.get(0).publicKey());
        TendermintEngine engine = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, self,
                new SignerGuard(keys.get(0)::sign, new InMemorySignerStore()), new KeyValueApplication(), new InMemoryBlockStore(), new RecordingContext(new ArrayList<>(), 1_000));
        engine.start(null);

        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            Object message = randomMessage(keys, validators);
            Object back;
            try {
                back = codec.decodeMessage(codec.encodeMessage(message));
            } catch (CanonicalReader.MalformedException e) {
                refused++;
                continue;
            }
            decoded++;
            assertInRange(back);
            if (back instanceof Proposal p) {
                engine.onProposal(p);
            } else if (back instanceof Vote v) {
                engine.onVote(v);
            } else if (back instanceof WireCodec.CommittedBlock c) {
                engine.onCommittedBlock(c.block(), c.certificate());
            } else if (back instanceof Evidence e) {
                engine.onEvidence(e);
            }
        }
        assertThat(refused).as("extreme values refused by the codec").isPositive();
        assertThat(decoded).as("in-range values reach the engine").isPositive();
        assertThat(engine.height()).as("nothing here carries a quorum's signatures").isEqualTo(1);
        assertThat(engine.evidenceSeen()).as("no evidence of one signer's two votes or proposals here").isZero();
    }

    private static void assertInRange(Object m) {
        if (m instanceof WireCodec.Status s) {
            assertThat(s.height()).isPositive();
        } else if (m instanceof Vote v) {
            assertThat(v.height()).isPositive();
            assertThat(v.round()).isNotNegative();
            assertThat(v.validatorIndex()).isNotNegative();
        } else if (m instanceof Proposal p) {
            assertThat(p.height()).isPositive().isEqualTo(p.block().height());
            assertThat(p.round()).isNotNegative();
            assertThat(p.validRound()).isBetween(-1, p.round() - 1);
            assertThat(p.proposerIndex()).isNotNegative();
        } else if (m instanceof WireCodec.CommittedBlock c) {
            assertThat(c.certificate().height()).isEqualTo(c.block().height());
            assertThat(c.block().header().timeMillis()).isNotNegative();
        } else if (m instanceof DuplicateVoteEvidence e) {
            assertInRange(e.voteA());
            assertInRange(e.voteB());
            assertThat(e.voteA().validatorIndex()).isEqualTo(e.voteB().validatorIndex());
            assertThat(e.voteA().blockId()).isNotEqualTo(e.voteB().blockId());
        } else if (m instanceof DuplicateProposalEvidence e) {
            assertThat(e.height()).isPositive();
            assertThat(e.round()).isNotNegative();
            assertThat(e.proposerIndex()).isNotNegative();
            assertThat(e.proposalA().validRound()).isBetween(-1, e.round() - 1);
            assertThat(e.proposalB().validRound()).isBetween(-1, e.round() - 1);
        }
    }

    private Object randomMessage(List<KeyPair> keys, ValidatorSet validators) {
        KeyPair signer = keys.get(random.nextInt(keys.size()));
        switch (random.nextInt(6)) {
            case 0 -> {
                return new WireCodec.Status(anyLong());
            }
            case 1 -> {
                long h = anyLong();
                int r = anyInt();
                VoteType type = random.nextBoolean() ? VoteType.PREVOTE : VoteType.PRECOMMIT;
                Hash id = random.nextBoolean() ? null : Hash.sha256(new byte[] {(byte) random.nextInt()});
                return new Vote(type, h, r, id, anyInt(), signer.sign(Vote.signBytes(CHAIN, type, h, r, id)));
            }
            case 2 -> {
                Block b = block(validators);
                int r = anyInt();
                int vr = anyInt();
                return new Proposal(b.height(), r, vr, b, anyInt(),
                        signer.sign(Proposal.signBytes(CHAIN, b.height(), r, vr, b.id())));
            }
            case 4 -> {
                // Two votes of one signer; every field extreme, so most pairs are refused for their shape.
                long h = random.nextBoolean() ? 1 : anyLong();
                int r = random.nextBoolean() ? 0 : anyInt();
                int index = random.nextBoolean() ? validators.indexOf(signer.publicKey()) : anyInt();
                Hash id = random.nextBoolean() ? null : Hash.sha256(new byte[] {(byte) random.nextInt(2)});
                Vote a = new Vote(VoteType.PREVOTE, h, r, id, index, signer.sign(new byte[] {2}));
                Vote b = new Vote(VoteType.PREVOTE, random.nextBoolean() ? h : anyLong(), r, null,
                        random.nextBoolean() ? index : anyInt(), new byte[64]);
                return random.nextBoolean() ? DuplicateVoteEvidence.of(a, b) : new DuplicateVoteEvidence(a, b);
            }
            case 5 -> {
                int r = anyInt();
                return new DuplicateProposalEvidence(anyLong(), r, anyInt(),
                        new DuplicateProposalEvidence.Signed(anyInt(), Hash.ZERO, new byte[64]),
                        new DuplicateProposalEvidence.Signed(anyInt(), Hash.sha256(new byte[] {1}), new byte[64]));
            }
            default -> {
                Block b = block(validators);
                List<CommitCertificate.Signature> sigs = new ArrayList<>();
                for (int i = 0; i < random.nextInt(5); i++) {
                    sigs.add(new CommitCertificate.Signature(anyInt(), signer.sign(new byte[] {1})));
                }
                return new WireCodec.CommittedBlock(b, new CommitCertificate(
                        random.nextBoolean() ? b.height() : anyLong(), anyInt(), b.id(), sigs));
            }
        }
    }

    private Block block(ValidatorSet validators) {
        List<byte[]> txs = List.of(("k=" + random.nextInt(10)).getBytes(StandardCharsets.UTF_8));
        long height = random.nextBoolean() ? 1 : anyLong();
        BlockHeader h = new BlockHeader(CHAIN, height, anyLong(), null, null, MerkleTree.root(txs),

                        Evidence.EMPTY_LIST_HASH, new KeyValueApplication().lastAppHash(),
                        validators.get(random.nextInt(4)).address(),
                validators.hash(), random.nextBoolean() ? txs.size() : anyInt());
        return new Block(h, txs, null);
    }

    private long anyLong() {
        return random.nextInt(3) == 0 ? random.nextLong() : LONGS[random.nextInt(LONGS.length)];
    }

    private int anyInt() {
        return random.nextInt(3) == 0 ? random.nextInt() : INTS[random.nextInt(INTS.length)];
    }

}
