package io.aot.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerGenesisFileTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenGenesisReadsBackToTheSameLedger() throws Exception {
        LedgerGenesis g = LedgerFixtures.genesis();
        Path file = dir.resolve("ledger-genesis.properties");
        LedgerGenesisFile.write(g, file);
        LedgerGenesis back = LedgerGenesisFile.read(file);

        assertThat(back.balances()).isEqualTo(g.balances());
        assertThat(back.walletKeys().keySet()).isEqualTo(g.walletKeys().keySet());
        back.walletKeys().forEach((w, k) -> assertThat(k).isEqualTo(g.walletKeys().get(w)));
        assertThat(back.aotPerPoint()).isEqualTo(g.aotPerPoint());
        assertThat(back.rewardRules()).isEqualTo(g.rewardRules());
        assertThat(back.aotPerKrw()).isEqualTo(g.aotPerKrw());
        // Same ledger behaviour: the same block gives the same app hash.
        byte[] tx = LedgerFixtures.coin("c1", LedgerFixtures.AOT, LedgerFixtures.W1);
        assertThat(new LedgerStateMachine(back).execute(1, 1, java.util.List.of(tx)).appHash())
                .isEqualTo(new LedgerStateMachine(g).execute(1, 1, java.util.List.of(tx)).appHash());
    }
}
