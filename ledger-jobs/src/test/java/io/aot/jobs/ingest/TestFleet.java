package io.aot.jobs.ingest;

import io.aot.avro.TerminalPayment;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.jobs.ingest.registry.TerminalDirectoryFactory;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalDirectory;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small seeded fleet for unit tests: its simulator, and an in-memory directory of its terminals. */
public final class TestFleet {

    /** Yesterday in Seoul: the terminal topic refuses record times older than 3 days (a fixed date ages out). */
    public static final Instant DAY = io.aot.ingestion.simulator.SimulatedDay.yesterday(java.time.Clock.systemUTC())
            .start();
    public static final int MERCHANTS = 40;
    public static final int CUSTOMERS = 400;

    private TestFleet() {
    }

    public static Fleet fleet(long seed) {
        return Fleet.generate(seed, MERCHANTS, CUSTOMERS);
    }

    public static PaymentSimulator simulator(long seed, long total, double badFraction) {
        return new PaymentSimulator(fleet(seed), seed, total, DAY, badFraction);
    }

    /** Valid payments only. */
    public static List<TerminalPayment> payments(long seed, int n) {
        PaymentSimulator sim = simulator(seed, n, 0);
        List<TerminalPayment> out = new java.util.ArrayList<>();
        while (sim.hasNext()) {
            out.add(sim.next().payment());
        }
        return out;
    }

    /** Serializable: holds the seed and rebuilds the fleet where it opens. */
    public static TerminalDirectoryFactory directory(long seed) {
        return () -> mapDirectory(fleet(seed).registrations(DAY));
    }

    public static TerminalDirectory mapDirectory(List<Terminal> terminals) {
        Map<String, Terminal> byId = new HashMap<>();
        terminals.forEach(t -> byId.put(t.terminalId(), t));
        return id -> Optional.ofNullable(byId.get(id));
    }
}
