package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fault 3 of the Byzantine issue: block time. The only check was {@code time > last}, so a proposal at
 * {@code Long.MAX_VALUE} was valid and made every later block invalid ({@code last + 1} overflows), and a far-future
 * time froze block time. With proposer-based timestamps a validator prevotes a new proposal only if its time is within
 * the synchrony bounds of its own clock when the proposal arrived.
 */
class BlockTimeTest {

    private static final String CHAIN = "aot-time";
    private static final long NOW = 1_800_000_000_000L;
    private static final SynchronyParams SYNCHRONY = new SynchronyParams(500, 3_000);

    @ParameterizedTest(name = "block time {0} ms from the validator''s clock: prevote {1}")
    @CsvSource({
        "0, block", "500, block", "501, nil", "-3500, block", "-3501, nil", "86400000, nil",
        "MAX, nil", "MIN_AFTER_EPOCH, nil"})
    void aValidatorPrevotesANewProposalOnlyIfItsTimeIsTimely(String offset, String expected) {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 21);
            keys.add(KeyPair.fromSeed(seed));
        }
        ValidatorSet validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        keys.sort((a, b) -> Integer.compare(validators.indexOf(a.publicKey()), validators.indexOf(b.publicKey())));
        int proposer = validators.proposerIndex(0);
        int self = (proposer + 1) % 4;
        List<Object> sent = new ArrayList<>();
        TendermintEngine engine = new TendermintEngine(EngineConfig.defaults(CHAIN).withSynchrony(SYNCHRONY),
                validators, self, new SignerGuard(keys.get(self)::sign, new InMemorySignerStore()),
                new KeyValueApplication(), new InMemoryBlockStore(), new RecordingContext(sent, NOW));
        engine.start(null);

        long time = switch (offset) {
            case "MAX" -> Long.MAX_VALUE;
            case "MIN_AFTER_EPOCH" -> 1;
            default -> NOW + Long.parseLong(offset);
        };
        List<byte[]> txs = List.of("a=1".getBytes(StandardCharsets.UTF_8));
        BlockHeader h = new BlockHeader(CHAIN, 1, time, null, null, MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH,
                new KeyValueApplication().lastAppHash(), validators.get(proposer).address(), validators.hash(), 1);
        Block block = new Block(h, txs, null);
        engine.onProposal(new Proposal(1, 0, -1, block, proposer,
                keys.get(proposer).sign(Proposal.signBytes(CHAIN, 1, 0, -1, block.id()))));

        assertThat(sent).hasSize(1);
        Vote prevote = (Vote) sent.get(0);
        assertThat(prevote.type()).isEqualTo(VoteType.PREVOTE);
        if (expected.equals("block")) {
            assertThat(prevote.blockId()).isEqualTo(block.id());
        } else {
            assertThat(prevote.blockId()).as("prevote nil").isNull();
            assertThat(engine.dropped()).containsEntry("untimely-proposal", 1L);
        }
    }

}
