package io.aot.consensus.node;

import java.nio.file.Path;

/** {@code ValidatorMain --home DIR}: runs one validator until killed; prints its status every few seconds. */
public final class ValidatorMain {

    private ValidatorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !"--home".equals(args[0])) {
            System.err.println("usage: ValidatorMain --home DIR");
            System.exit(2);
        }
        NodeConfig config = NodeConfig.read(Path.of(args[1]));
        ValidatorNode node = new ValidatorNode(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "validator-stop"));
        System.out.println("validator " + node.selfIndex() + " up: p2p 127.0.0.1:" + config.p2pPort() + ", rpc 127.0.0.1:"
                + config.rpcPort() + ", home " + config.home());
        System.out.flush();
        while (true) {
            Thread.sleep(5_000);
            System.out.println(node.status());
            System.out.flush();
        }
    }
}
