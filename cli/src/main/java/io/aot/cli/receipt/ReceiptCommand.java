package io.aot.cli.receipt;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.cli.connect.CassandraConsistency;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.connect.HostPortOption;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.node.ValidatorClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aot receipt TX_ID}: fetch a committed transaction's receipt (transaction, block header, Merkle proof, commit
 * certificate), verify it against the genesis validator set, print it and optionally save it;
 * {@code aot receipt --verify FILE}: check a saved receipt offline. Exit 0 valid, 1 invalid, 2 not found or bad use.
 */
@Command(name = "receipt", mixinStandardHelpOptions = true,
        description = {"Print and verify a committed transaction's receipt, or verify a saved one offline.",
            "Exit 0: valid; 1: invalid (the failing check and why); 2: not found or bad arguments."})
public final class ReceiptCommand implements Callable<Integer> {

    /** Bound on connecting to the validator and on its answer: a receipt is one small request. */
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", arity = "0..1", paramLabel = "TX_ID")
    String txId;

    @Option(names = "--genesis", required = true, description = "The chain's genesis.properties (whom to trust).")
    Path genesisFile;

    @Option(names = "--verify", paramLabel = "FILE", description = "Verify this saved receipt offline.")
    Path verifyFile;

    @Option(names = "--validator", description = "A validator's RPC address, host:port (to fetch a receipt).")
    String validator;

    @Option(names = "--height", description = "Where the transaction is (else looked up in Cassandra).")
    Long height;

    @Option(names = "--index")
    Integer index;

    @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1")
    String datacenter;

    @Option(names = "--keyspace", defaultValue = "aot_ledger")
    String keyspace;

    @Mixin
    CassandraConsistency consistency;

    @Option(names = "--out", paramLabel = "FILE", description = "Save the receipt here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Genesis genesis = Genesis.read(genesisFile);
        if (verifyFile != null) {
            return report(Receipt.read(verifyFile), genesis);
        }
        if (txId == null || validator == null) {
            System.err.println("aot receipt: give TX_ID and --validator, or --verify FILE");
            return 2;
        }
        if (height == null || index == null) {
            if (!locate()) {
                System.err.println("aot receipt: no committed transaction " + txId + " in " + keyspace
                        + ".transactions_by_id");
                return 2;
            }
        }
        ValidatorClient.TxProof proof;
        try (ValidatorClient client = new ValidatorClient(genesis.chainId(),
                HostPortOption.parse("--validator", validator), RPC_TIMEOUT)) {
            proof = client.txProof(height, index);
        } catch (IOException e) {
            throw new ServerUnavailableException(Server.VALIDATOR, "--validator", validator, e);
        }
        if (proof == null) {
            System.err.printf("aot receipt: the validator has no transaction %d at height %d%n", index, height);
            return 2;
        }
        Receipt receipt = Receipt.of(txId, proof);
        if (out != null) {
            receipt.write(out);
            System.out.println("saved to " + out);
        }
        return report(receipt, genesis);
    }

    private boolean locate() {
        try (CqlSession s = CassandraSessions.open(cassandra, datacenter, consistency.level())) {
            Row r = s.execute(s.prepare("SELECT height, index_in_block FROM " + keyspace
                    + ".transactions_by_id WHERE tx_id = ?").bind(txId)).one();
            if (r == null) {
                return false;
            }
            height = r.getLong(0);
            index = r.getInt(1);
            return true;
        }
    }

    private static int report(Receipt r, Genesis genesis) {
        ReceiptVerifier.Verdict v = ReceiptVerifier.verify(r, genesis);
        System.out.printf("transaction   %s (%s, %d bytes)%n", r.txId(), ReceiptVerifier.txId(r.tx()), r.tx().length);
        System.out.printf("block         height %d, index %d of %d, hash %s, time %s%n", r.height(), r.index(),
                r.proof().total(), r.header().id().hex(), Instant.ofEpochMilli(r.header().timeMillis()));
        System.out.printf("merkle proof  %d aunts to tx root %s%n", r.proof().aunts().size(), r.header().txRoot().hex());
        System.out.printf("certificate   round %d, %d of %d validators signed%n", r.certificate().round(),
                r.certificate().signatures().size(), genesis.validators().size());
        System.out.printf("verdict       %s%s%n", v.ok() ? "VALID" : "INVALID at " + v.check() + ": ", v.ok() ? "" : v.reason());
        return v.ok() ? 0 : 1;
    }
}
