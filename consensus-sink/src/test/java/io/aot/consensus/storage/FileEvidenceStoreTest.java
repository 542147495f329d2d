package io.aot.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.evidence.EvidenceParams;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pending evidence on disk (issue 21): it comes back as it was saved, a damaged record and what follows it are cut off
 * while the pieces before it are kept, and the store holds no more than the pool's bounds.
 */
class FileEvidenceStoreTest {

    private static final String CHAIN = "aot-evidence-store";
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
    private final KeyPair key = KeyPair.fromSeed(new byte[32]);

    @TempDir
    Path dir;

    @Test
    void savedEvidenceLoadsBackInOrderAndAnEmptySaveClearsIt() throws Exception {
        FileEvidenceStore store = store(EvidenceParams.defaults());
        assertThat(store.load().evidence()).as("no file yet").isEmpty();
        List<Evidence> three = List.of(doubleVote(1, 0), doubleVote(2, 0), doubleVote(2, 1));
        store.save(three);

        FileEvidenceStore.Loaded loaded = store(EvidenceParams.defaults()).load();
        assertThat(loaded.evidence()).extracting(Evidence::hash).containsExactlyElementsOf(hashes(three));
        assertThat(loaded.cutAtOffset()).isEqualTo(-1);

        store.save(List.of());
        assertThat(store.load().evidence()).isEmpty();
    }

    @Test
    void aDamagedRecordAndWhatFollowsAreCutOffAndThePiecesBeforeKept() throws Exception {
        FileEvidenceStore store = store(EvidenceParams.defaults());
        List<Evidence> three = List.of(doubleVote(1, 0), doubleVote(2, 0), doubleVote(3, 0));
        store.save(three);
        Path file = dir.resolve("evidence.bin");
        byte[] bytes = Files.readAllBytes(file);
        int second = FileEvidenceStore.MARKER.length + 8 + codecLength(three.get(0));
        bytes[second + 8 + 20] ^= 1; // inside the second record's evidence: its checksum no longer matches
        Files.write(file, bytes);

        FileEvidenceStore.Loaded loaded = store.load();
        assertThat(loaded.evidence()).extracting(Evidence::hash).containsExactly(three.get(0).hash());
        assertThat(loaded.cutAtOffset()).isEqualTo(second);
        assertThat(Files.size(file)).as("the damaged tail cut off the file").isEqualTo(second);
        assertThat(store.load().cutAtOffset()).as("intact now").isEqualTo(-1);

        // A torn last record (a short write) is cut the same way.
        store.save(three);
        bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertThat(store.load().evidence()).hasSize(2);
    }

    @Test
    void aFileWithoutTheMarkerIsRefused() throws Exception {
        Files.write(dir.resolve("evidence.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> store(EvidenceParams.defaults()).load()).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("is not a pending-evidence file");
    }

    @Test
    void theStoreHoldsNoMoreThanThePoolsBounds() throws Exception {
        List<Evidence> three = List.of(doubleVote(1, 0), doubleVote(2, 0), doubleVote(3, 0));
        assertThatThrownBy(() -> store(new EvidenceParams(100, 2, 1 << 20)).save(three))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the bound 2");
        int pieceBytes = three.get(0).canonicalBytes().length;
        assertThatThrownBy(() -> store(new EvidenceParams(100, 10, 2L * pieceBytes)).save(three))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes of evidence over the bound");

        store(EvidenceParams.defaults()).save(three);
        FileEvidenceStore.Loaded loaded = store(new EvidenceParams(100, 2, 1 << 20)).load();
        assertThat(loaded.evidence()).as("a store written under larger bounds is read within these")
                .extracting(Evidence::hash).containsExactlyElementsOf(hashes(three.subList(0, 2)));
    }

    private FileEvidenceStore store(EvidenceParams bounds) {
        return new FileEvidenceStore(dir.resolve("evidence.bin"), codec, bounds);
    }

    private int codecLength(Evidence e) {
        io.aot.consensus.codec.CanonicalWriter w = new io.aot.consensus.codec.CanonicalWriter();
        codec.writeEvidence(w, e);
        return w.toByteArray().length;
    }

    private static List<Hash> hashes(List<Evidence> evidence) {
        List<Hash> out = new ArrayList<>();
        evidence.forEach(e -> out.add(e.hash()));
        return out;
    }

    private Evidence doubleVote(long height, int round) {
        return DuplicateVoteEvidence.of(vote(height, round, Hash.ZERO), vote(height, round, null));
    }

    private Vote vote(long height, int round, Hash id) {
        return new Vote(VoteType.PREVOTE, height, round, id, 0,
                key.sign(Vote.signBytes(CHAIN, VoteType.PREVOTE, height, round, id)));
    }
}
