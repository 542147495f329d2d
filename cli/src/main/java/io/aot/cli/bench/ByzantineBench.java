package io.aot.cli.bench;

import io.aot.consensus.sim.Simulation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The adversarial consensus simulation over many seeds, on every core: each seed derives a scenario (4, 7 or 10
 * validators, equal or unequal powers, clock skews, partitions, crashes before and after GST, Byzantine validators of
 * one {@link Simulation.Byzantine} kind holding under a third of the power; in some seeds the validators' stores on
 * disk, crashed at their durable steps with storage faults) and checks agreement, validity, valid
 * certificates, no honest double sign, liveness after GST and the rounds a height needs after GST. Same seed, same
 * run: a failing seed prints the command that replays it.
 */
@Command(name = "byzantine", mixinStandardHelpOptions = true,
        description = "Seeded adversarial simulation of the validators' consensus; writes bench/results/byzantine.json.")
public final class ByzantineBench implements Callable<Integer> {

    @Option(names = "--seeds", defaultValue = "1000", description = "How many seeds to run.")
    long seeds;

    @Option(names = "--from-seed", defaultValue = "1", description = "The first seed.")
    long fromSeed;

    @Option(names = "--threads", description = "Parallel runs (default: one per core).")
    Integer threads;

    @Option(names = "--out", defaultValue = "bench/results/byzantine.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            System.err.println("--seeds must be at least 1");
            return 2;
        }
        // Log events (a store cutting a torn record after a simulated crash) go to a file, not between progress lines.
        io.aot.cli.errors.RunLog log = io.aot.cli.errors.RunLog.start("bench-byzantine");
        try {
            return run();
        } finally {
            log.close();
            System.out.println(log.summary("Log of the simulated validators"));
        }
    }

    private int run() throws Exception {
        int parallelism = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        long t0 = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Future<Simulation.Result>> results = new ArrayList<>();
        for (long seed = fromSeed; seed < fromSeed + seeds; seed++) {
            long s = seed;
            results.add(pool.submit(() -> {
                Simulation.Result r;
                try {
                    r = Simulation.run(s);
                } catch (RuntimeException | OutOfMemoryError e) { // an engine bug is a finding, not the end of the run
                    r = Simulation.crashed(s, e);
                }
                done.incrementAndGet();
                if (!r.ok()) {
                    failed.incrementAndGet();
                }
                return r;
            }));
        }
        pool.shutdown();
        while (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
            System.out.printf("\r%,d / %,d seeds, %d violations, %.0f s", done.get(), seeds, failed.get(),
                    (System.nanoTime() - t0) / 1e9);
            System.out.flush();
        }
        System.out.printf("\r%,d / %,d seeds, %d violations, %.0f s%n", done.get(), seeds, failed.get(),
                (System.nanoTime() - t0) / 1e9);

        Map<String, Long> byBehaviour = new TreeMap<>();
        Map<String, Long> byValidators = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        int worstRound = 0;
        long worstRoundSeed = fromSeed;
        long heights = 0;
        long refused = 0;
        long equivocations = 0;
        long evidence = 0;
        long withByzantine = 0;
        long onDisk = 0;
        long diskCrashes = 0;
        long diskStepCrashes = 0;
        long tornWrites = 0;
        long garbageTails = 0;
        long lostUnsynced = 0;
        for (Future<Simulation.Result> f : results) {
            Simulation.Result r = f.get();
            Simulation.Scenario sc = r.scenario();
            String kind = sc.byzantineCount() == 0 ? "none (crash and network faults only)" : sc.byzantine().name();
            byBehaviour.merge(kind, 1L, Long::sum);
            byValidators.merge(sc.validators() + " validators", 1L, Long::sum);
            withByzantine += sc.byzantineCount() > 0 ? 1 : 0;
            heights += java.util.Arrays.stream(r.heights()).max().orElse(0);
            refused += r.byzantineMessagesRefused();
            equivocations += r.equivocationsSeen();
            evidence += r.evidenceCommitted();
            onDisk += sc.onDisk() ? 1 : 0;
            diskCrashes += r.disk().crashes();
            diskStepCrashes += r.disk().crashesAtDurableSteps();
            tornWrites += r.disk().tornWrites();
            garbageTails += r.disk().garbageTails();
            lostUnsynced += r.disk().lostUnsynced();
            if (r.worstRoundAfterGst() > worstRound) {
                worstRound = r.worstRoundAfterGst();
                worstRoundSeed = sc.seed();
            }
            if (!r.ok()) {
                String replay = "./aot bench byzantine --from-seed " + sc.seed() + " --seeds 1";
                violations.add("seed " + sc.seed() + ": " + r.failure() + " (replay: " + replay + ")");
                System.out.println("VIOLATION " + sc + "\n  " + r.failure() + r.diagnostics() + "\n  replay: " + replay);
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version"));
        figures.put("seeds", seeds);
        figures.put("first_seed", fromSeed);
        figures.put("last_seed", fromSeed + seeds - 1);
        figures.put("violations", (long) violations.size());
        figures.put("violation_list", violations);
        figures.put("seeds_with_byzantine_validators", withByzantine);
        figures.put("worst_round_to_decide_after_gst", worstRound);
        figures.put("worst_round_seed", worstRoundSeed);
        figures.put("heights_decided", heights);
        figures.put("byzantine_frames_refused_by_codec", refused);
        figures.put("equivocations_seen_by_honest_validators", equivocations);
        figures.put("offences_committed_as_evidence", evidence);
        figures.put("seeds_with_on_disk_stores", onDisk);
        figures.put("on_disk_crashes", diskCrashes);
        figures.put("on_disk_crashes_at_durable_steps", diskStepCrashes);
        figures.put("torn_writes_recovered", tornWrites);
        figures.put("garbage_tails_recovered", garbageTails);
        figures.put("unsynced_wal_tails_lost", lostUnsynced);
        figures.put("seeds_by_byzantine_behaviour", new LinkedHashMap<>(byBehaviour));
        figures.put("seeds_by_validator_count", new LinkedHashMap<>(byValidators));
        figures.put("wall_seconds", BenchResults.round((System.nanoTime() - t0) / 1e9));
        BenchResults.write(out, figures);
        return violations.isEmpty() ? 0 : 1;
    }
}
