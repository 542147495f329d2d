package io.aot.consensus.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the deterministic simulation over many seeds. Each seed derives its own scenario (validators, Byzantine
 * behaviour, network faults, crashes); each run checks agreement, validity, no honest double-sign, liveness after
 * GST, and that every equivocation honest validators saw ends in committed evidence. A failure prints the seed and the one-line command that replays it.
 */
class SimulationTest {

    static final int SEEDS = Integer.getInteger("sim.seeds", 500);
    static final long FIRST_SEED = Long.getLong("sim.firstSeed", 1);

    @Test
    void manySeededRunsHoldEveryInvariant() {
        long t0 = System.nanoTime();
        List<String> failures = new ArrayList<>();
        long heights = 0;
        long simulatedMs = 0;
        long reusedSignatures = 0;
        long refusedByzantineFrames = 0;
        long equivocations = 0;
        long evidence = 0;
        int worstRound = 0;
        long onDiskSeeds = 0;
        long diskCrashes = 0;
        long diskStepCrashes = 0;
        long tornWrites = 0;
        long garbageTails = 0;
        long lostUnsynced = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            Simulation.Result r = Simulation.run(seed);
            if (!r.ok()) {
                failures.add(r.failure() + "\n    " + r.scenario() + r.diagnostics() + "\n    replay: "
                        + replayCommand(seed));
            }
            heights += java.util.Arrays.stream(r.heights()).max().orElse(0);
            simulatedMs += r.simulatedMs();
            reusedSignatures += r.lastCommitSignaturesReused();
            refusedByzantineFrames += r.byzantineMessagesRefused();
            equivocations += r.equivocationsSeen();
            evidence += r.evidenceCommitted();
            worstRound = Math.max(worstRound, r.worstRoundAfterGst());
            onDiskSeeds += r.scenario().onDisk() ? 1 : 0;
            diskCrashes += r.disk().crashes();
            diskStepCrashes += r.disk().crashesAtDurableSteps();
            tornWrites += r.disk().tornWrites();
            garbageTails += r.disk().garbageTails();
            lostUnsynced += r.disk().lostUnsynced();
        }
        System.out.printf("simulation: %d seeds from %d, %d failed, %d heights, %.0f s simulated, worst round after GST"
                + " %d, %d Byzantine frames refused by the codec, %d equivocations seen by honest validators, %d"
                + " offences committed as evidence; %d seeds with on-disk stores: %d crashes (%d at durable steps),"
                + " %d torn writes, %d garbage tails, %d unsynced WAL tails lost; %.1f s wall%n", SEEDS, FIRST_SEED,
                failures.size(), heights, simulatedMs / 1000.0, worstRound, refusedByzantineFrames, equivocations,
                evidence, onDiskSeeds, diskCrashes, diskStepCrashes, tornWrites, garbageTails, lostUnsynced,
                (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        // The invariants held while proposals' last commits were mostly accepted on signatures checked as votes.
        assertThat(reusedSignatures).as("last-commit signatures taken as checked").isPositive();
        assertThat(refusedByzantineFrames).as("malformed Byzantine frames reached the codec").isPositive();
        // Equivocating validators were seen, and their evidence committed (every run checks each one seen is).
        assertThat(equivocations).as("equivocations seen by honest validators").isPositive();
        assertThat(evidence).as("offences committed as evidence").isPositive();
        // The on-disk stores crashed at their durable steps and recovered from every kind of storage fault.
        assertThat(diskStepCrashes).as("crashes of on-disk stores at durable steps").isPositive();
        assertThat(tornWrites).as("torn writes recovered").isPositive();
        assertThat(garbageTails).as("garbage tails recovered").isPositive();
        assertThat(lostUnsynced).as("unsynced WAL tails lost").isPositive();
    }

    @Test
    void sameSeedSameRun() {
        Simulation.Result a = Simulation.run(42);
        Simulation.Result b = Simulation.run(42);
        assertThat(a.heights()).isEqualTo(b.heights());
        assertThat(a.deliveries()).isEqualTo(b.deliveries());
        assertThat(a.simulatedMs()).isEqualTo(b.simulatedMs());
    }

    /** An on-disk seed with crashes at durable steps replays the same, storage faults included, and leaves no files. */
    @Test
    void sameOnDiskSeedSameRunAndItsFolderIsDeleted(@TempDir Path root) throws Exception {
        long seed = 42;
        while (!Simulation.Scenario.fromSeed(seed).onDisk() || Simulation.Scenario.fromSeed(seed).faults().stream()
                .noneMatch(f -> f instanceof Simulation.CrashAtDiskStep)) {
            seed++;
        }
        Simulation.Result a = Simulation.run(Simulation.Scenario.fromSeed(seed), root);
        Simulation.Result b = Simulation.run(Simulation.Scenario.fromSeed(seed), root);
        assertThat(a.ok()).as(a.failure()).isTrue();
        assertThat(a.disk().crashes()).isPositive();
        assertThat(a.heights()).isEqualTo(b.heights());
        assertThat(a.deliveries()).isEqualTo(b.deliveries());
        assertThat(a.simulatedMs()).isEqualTo(b.simulatedMs());
        assertThat(a.disk()).isEqualTo(b.disk());
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    /** {@code mvn -pl consensus-sink test -Dtest=SimulationTest#replaySeed -Dsim.seed=N}: one seed, verbosely. */
    @Test
    void replaySeed() {
        String seed = System.getProperty("sim.seed");
        assumeTrue(seed != null, "set -Dsim.seed=N to replay one seed");
        Simulation.Result r = Simulation.run(Long.parseLong(seed));
        System.out.println(r.scenario() + r.diagnostics());
        System.out.println("heights " + java.util.Arrays.toString(r.heights()) + ", " + r.deliveries()
                + " deliveries, " + r.simulatedMs() + " ms simulated");
        assertThat(r.failure()).isNull();
    }

    static String replayCommand(long seed) {
        return "mvn -B -pl consensus-sink test -Dtest=SimulationTest#replaySeed -Dsim.seed=" + seed;
    }
}
