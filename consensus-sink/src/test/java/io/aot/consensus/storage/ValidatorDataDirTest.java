package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.SignerGuard;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder's lock and its signer-state rule, in one JVM (ValidatorHomeIT does it with processes). */
class ValidatorDataDirTest {

    @TempDir
    Path dir;

    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    private static Block block(long h) {
        List<byte[]> txs = List.of(("k" + h + "=v").getBytes(StandardCharsets.UTF_8));
        return new Block(new BlockHeader("c", h, h, null, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH, Hash.ZERO, "a", Hash.ZERO, 1),
                txs, null);
    }

    private void commitTwoBlocksAndSign(Path data) throws Exception {
        try (ValidatorDataDir d = ValidatorDataDir.open(data, codec)) {
            for (long h = 1; h <= 2; h++) {
                d.blocks().save(block(h), new CommitCertificate(h, 0, block(h).id(), List.of()));
            }
            new SignerGuard(m -> new byte[64], d.signer()).sign(3, 0, SignerGuard.PREVOTE, new byte[] {1});
        }
    }

    @Test
    void aSecondOpenIsRefusedUntilTheFirstCloses() throws Exception {
        Path data = dir.resolve("data");
        try (ValidatorDataDir first = ValidatorDataDir.open(data, codec)) {
            assertThatThrownBy(() -> ValidatorDataDir.open(data, codec)).isInstanceOf(StartRefusedException.class)
                    .hasMessageContaining("in use by another validator process")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid()).hasMessageNotContaining("\n");
            first.blocks().save(block(1), new CommitCertificate(1, 0, block(1).id(), List.of()));
        }
        try (ValidatorDataDir again = ValidatorDataDir.open(data, codec)) {
            assertThat(again.blocks().height()).as("released on close, and the refused open changed nothing")
                    .isEqualTo(1);
        }
    }

    @Test
    void blocksWithoutTheSignerStateAreRefused() throws Exception {
        Path data = dir.resolve("data");
        commitTwoBlocksAndSign(data);
        byte[] signer = Files.readAllBytes(data.resolve("signer.bin"));
        Files.delete(data.resolve("signer.bin"));
        assertThatThrownBy(() -> ValidatorDataDir.open(data, codec)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("signer.bin is missing").hasMessageContaining("height 2")
                .hasMessageContaining("restore signer.bin from a backup").hasMessageNotContaining("\n");
        Files.write(data.resolve("signer.bin"), signer); // the operator restores it
        try (ValidatorDataDir d = ValidatorDataDir.open(data, codec)) {
            assertThat(new SignerGuard(m -> new byte[64], d.signer()).sign(3, 0, SignerGuard.PREVOTE, new byte[] {2}))
                    .as("the restored history still refuses a conflicting vote").isNull();
        }
    }

    @Test
    void aCheckpointWithoutTheSignerStateIsRefused() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("checkpoint.bin"), new byte[] {0});
        assertThatThrownBy(() -> ValidatorDataDir.open(data, codec)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("consensus checkpoint");
    }

    @Test
    void aFreshHomeRecordsThatNothingIsSignedYet() throws Exception {
        try (ValidatorDataDir d = ValidatorDataDir.open(dir.resolve("data"), codec)) {
            assertThat(d.blocks().height()).isZero();
            assertThat(d.signer().load().height()).as("written before any block: nothing signed yet").isZero();
            d.blocks().save(block(1), new CommitCertificate(1, 0, block(1).id(), List.of()));
        }
        try (ValidatorDataDir d = ValidatorDataDir.open(dir.resolve("data"), codec)) {
            assertThat(new SignerGuard(m -> new byte[64], d.signer()).sign(2, 0, SignerGuard.PREVOTE, new byte[] {1}))
                    .as("a synced node that never signed restarts and signs").isNotNull();
        }
    }
}
