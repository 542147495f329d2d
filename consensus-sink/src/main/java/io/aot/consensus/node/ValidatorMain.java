package io.aot.consensus.node;

import io.aot.consensus.storage.StartRefusedException;
import java.nio.file.Path;

/**
 * {@code ValidatorMain --home DIR}: runs one validator until killed; prints its status every few seconds and one line
 * per decided height ({@link ValidatorMetrics#decided}). Exits 78
 * with one line on stderr when the home's {@code data/} is not safe to run on (see {@link StartRefusedException}).
 */
public final class ValidatorMain {

    /** Exit status when the home's data folder is not safe to run on (sysexits.h EX_CONFIG). */
    public static final int EX_CONFIG = 78;

    private ValidatorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !"--home".equals(args[0])) {
            System.err.println("usage: ValidatorMain --home DIR");
            System.exit(2);
        }
        NodeConfig config = NodeConfig.read(Path.of(args[1]));
        ValidatorNode node;
        try {
            node = new ValidatorNode(config);
        } catch (StartRefusedException e) {
            // An operator's problem, not a bug: one line saying what to do, no stack trace.
            System.err.println("validator refused to start: " + e.getMessage());
            System.exit(EX_CONFIG);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "validator-stop"));
        System.out.println("validator " + node.selfIndex() + " up: p2p 127.0.0.1:" + config.p2pPort() + ", rpc 127.0.0.1:"
                + config.rpcPort() + (node.metricsPort() > 0 ? ", metrics http://127.0.0.1:" + node.metricsPort() + "/metrics" : "")
                + ", home " + config.home());
        System.out.flush();
        while (true) {
            Thread.sleep(5_000);
            System.out.println(node.status());
            System.out.flush();
        }
    }
}
