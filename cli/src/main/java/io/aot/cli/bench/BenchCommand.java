package io.aot.cli.bench;

import picocli.CommandLine.Command;

/** {@code aot bench}: benchmarks that print figures and write them to {@code bench/results/}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: print figures and write bench/results/<name>.json", "",
            "Built: consensus, ingest, pipeline. Not built yet: analytics (#7), ads (#8)."},
        subcommands = {ConsensusBench.class, ByzantineBench.class, IngestBench.class, PipelineBench.class, AnalyticsBench.class, AdsBench.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: aot bench consensus|ingest|pipeline|analytics [options]; see aot bench --help");
    }
}
