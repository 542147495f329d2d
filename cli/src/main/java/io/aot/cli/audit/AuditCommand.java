package io.aot.cli.audit;

import io.aot.cli.connect.CassandraConsistency;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.connect.HostPortOption;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.node.ValidatorClient;
import io.aot.ingestion.registry.TerminalRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aot audit --from H --to H}: re-verify every signature of committed blocks; exit 1 on any finding. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Re-verify committed blocks: commit certificates against the genesis validators, block links and",
            "transaction roots, and every terminal payment's device signature against the registered key.",
            "Lists the evidence of validator misbehaviour (double votes, double proposals) committed per height.",
            "Exit 0: clean; 1: findings (listed); 2: bad arguments or nothing to audit."})
public final class AuditCommand implements Callable<Integer> {

    /** Bound on one run, so an audit of a long chain is done in slices. */
    static final long MAX_BLOCKS_PER_RUN = 100_000;

    /** Bound on connecting to the validator and on each of its answers (one block). */
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--validator", required = true, description = "A validator's RPC address, host:port.")
    String validator;

    @Option(names = "--genesis", required = true, description = "The chain's genesis.properties.")
    Path genesisFile;

    @Option(names = "--from", defaultValue = "1")
    long from;

    @Option(names = "--to", description = "Last height (default: the latest committed).")
    Long to;

    @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042", description = "Terminal registry, host:port.")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1")
    String datacenter;

    @Option(names = "--keyspace", defaultValue = "aot_ledger")
    String keyspace;

    @Mixin
    CassandraConsistency consistency;

    @Override
    public Integer call() throws Exception {
        Genesis genesis = Genesis.read(genesisFile);
        // Every IOException in here is the validator's: the registry's driver throws its own (unchecked) exceptions.
        try (ValidatorClient client = new ValidatorClient(genesis.chainId(),
                HostPortOption.parse("--validator", validator), RPC_TIMEOUT);
                TerminalRegistry registry = TerminalRegistry.owning(CassandraSessions.open(cassandra, datacenter),
                        keyspace, consistency.level())) {
            long last = to != null ? to : client.latestHeight();
            if (from < 1 || last < from) {
                System.err.printf("aot audit: nothing to audit in %d..%d (latest committed height %d)%n", from, last,
                        client.latestHeight());
                return 2;
            }
            if (last - from + 1 > MAX_BLOCKS_PER_RUN) {
                System.err.printf("aot audit: at most %,d blocks per run; audit %d..%d in slices%n", MAX_BLOCKS_PER_RUN,
                        from, last);
                return 2;
            }
            WireCodec.CommittedBlock previous = from > 1 ? client.block(from - 1) : null;
            List<WireCodec.CommittedBlock> blocks = new ArrayList<>();
            for (long h = from; h <= last; h++) {
                WireCodec.CommittedBlock b = client.block(h);
                if (b == null) {
                    System.err.println("aot audit: validator has no block " + h);
                    return 2;
                }
                blocks.add(b);
                if ((h - from + 1) % 1000 == 0) {
                    System.out.printf("  fetched %,d of %,d blocks%n", h - from + 1, last - from + 1);
                }
            }
            ChainAuditor.Report report = new ChainAuditor(genesis, registry).audit(previous, blocks);
            for (ChainAuditor.Finding f : report.findings()) {
                System.out.printf("FINDING height %d%s %s: %s (%s)%n", f.height(),
                        f.index() >= 0 ? " tx " + f.index() : "", f.txId() == null ? "block" : f.txId(), f.code(),
                        f.detail());
            }
            for (ChainAuditor.CommittedEvidence e : report.evidence()) {
                System.out.printf("EVIDENCE height %d: validator %s, %s at height %d (%s)%n", e.height(), e.validator(),
                        e.offence(), e.offenceHeight(), e.description());
            }
            System.out.printf("audited heights %d..%d: %,d blocks, %,d terminal payments, %,d chain transfers, %,d"
                    + " pieces of evidence: %s%n", from, last, report.blocks(), report.payments(),
                    report.chainTransfers(), report.evidence().size(),
                    report.clean() ? "clean" : report.findings().size() + " finding(s)");
            return report.clean() ? 0 : 1;
        } catch (IOException e) {
            throw new ServerUnavailableException(Server.VALIDATOR, "--validator", validator, e);
        }
    }
}
