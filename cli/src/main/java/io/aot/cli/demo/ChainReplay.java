package io.aot.cli.demo;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.node.ValidatorClient;
import io.aot.ledger.money.Asset;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.state.LedgerStateMachine;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;

/**
 * Re-executes the committed chain on a fresh ledger from the same genesis: every app hash in the next header must
 * match, and every currency's balances must still sum to zero (the issuance account holds minus the supply).
 */
final class ChainReplay {

    /** What the replay found. {@code divergedAt} is 0 when every app hash matched. */
    record Result(long blocks, long txs, long divergedAt, Map<Asset, BigInteger> totals) {
        boolean conserved() {
            return totals.isEmpty();
        }
    }

    private ChainReplay() {
    }

    static Result replay(ValidatorClient client, LedgerGenesis genesis, long toHeight) throws IOException {
        LedgerStateMachine ledger = new LedgerStateMachine(genesis);
        long txs = 0;
        long diverged = 0;
        for (long h = 1; h <= toHeight; h++) {
            WireCodec.CommittedBlock c = client.block(h);
            if (c == null) {
                throw new IOException("validator has no block " + h);
            }
            if (h > 1 && diverged == 0 && !c.block().header().appHash().equals(Hash.of(ledger.appHash()))) {
                diverged = h;
            }
            ledger.execute(h, c.block().header().timeMillis(), c.block().txs());
            ledger.commit();
            txs += c.block().txs().size();
        }
        return new Result(toHeight, txs, diverged, ledger.totals());
    }
}
