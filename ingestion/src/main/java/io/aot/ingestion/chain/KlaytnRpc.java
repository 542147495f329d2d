package io.aot.ingestion.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

/**
 * The three JSON-RPC calls the follower needs from a Klaytn/Kaia node: the head, a block's header, and all of a
 * block's receipts (which carry every transaction field the follower publishes: type, sender, fee payer, fee ratio,
 * gas, logs). {@link IOException} when the node is unreachable, {@link ChainDataException} when its answer is not
 * what a node answers.
 */
public interface KlaytnRpc extends AutoCloseable {

    long blockNumber() throws IOException;

    ChainBlock block(long number) throws IOException;

    List<ChainReceipt> receipts(String blockHash) throws IOException;

    @Override
    default void close() {
    }

    /** A block header: number, hash and time (Klaytn block time is in seconds). */
    record ChainBlock(long number, String hash, long timestampSeconds) {
    }

    /** One event log of a receipt. */
    record ChainLog(int logIndex, String address, List<String> topics, String data) {
    }

    /** One transaction receipt, with the transaction fields Klaytn puts in it. */
    record ChainReceipt(String txHash, int txIndex, String blockHash, String type, String from, String to,
            String feePayer, Integer feeRatioPercent, long gasUsed, BigInteger gasPricePeb, String senderTxHash,
            boolean succeeded, List<ChainLog> logs) {
    }
}
