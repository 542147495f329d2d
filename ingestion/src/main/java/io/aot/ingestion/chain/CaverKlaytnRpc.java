package io.aot.ingestion.chain;

import com.klaytn.caver.methods.response.Block;
import com.klaytn.caver.methods.response.BlockTransactionReceipts;
import com.klaytn.caver.methods.response.KlayLogs;
import com.klaytn.caver.methods.response.Quantity;
import com.klaytn.caver.methods.response.TransactionReceipt;
import com.klaytn.caver.rpc.Klay;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * {@link KlaytnRpc} through caver-java ({@code klay_blockNumber}, {@code klay_getBlockByNumber},
 * {@code klay_getBlockReceipts}) over HTTP with bounded timeouts. Every answer is checked before it is used: a JSON-RPC
 * error, a missing field or a value that is not hex is a {@link ChainDataException}, never a half-read block.
 */
public final class CaverKlaytnRpc implements KlaytnRpc {

    private final Klay klay;
    private final HttpService http;

    public CaverKlaytnRpc(String url, long timeoutMs) {
        OkHttpClient client = new OkHttpClient.Builder().connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMs, TimeUnit.MILLISECONDS).callTimeout(timeoutMs, TimeUnit.MILLISECONDS).build();
        this.http = new HttpService(url, client, false);
        // caver's RPC client for the klay namespace; the Caver facade would also load its IPFS client, which is not
        // on Maven Central (excluded in the root pom).
        this.klay = new Klay(http);
    }

    @Override
    public long blockNumber() throws IOException {
        Quantity q = send(() -> klay.getBlockNumber().send());
        return hexLong(q.getResult(), "blockNumber");
    }

    @Override
    public ChainBlock block(long number) throws IOException {
        Block b = send(() -> klay.getBlockByNumber(number, false).send());
        Block.BlockData<?> data = b.getResult();
        if (data == null) {
            throw new ChainDataException("block " + number + " not found");
        }
        long n = hexLong(data.getNumber(), "block.number");
        if (n != number) {
            throw new ChainDataException("asked for block " + number + ", got " + n);
        }
        return new ChainBlock(n, hash(data.getHash(), "block.hash"), hexLong(data.getTimestamp(), "block.timestamp"));
    }

    @Override
    public List<ChainReceipt> receipts(String blockHash) throws IOException {
        BlockTransactionReceipts r = send(() -> klay.getBlockReceipts(blockHash).send());
        if (r.getResult() == null) {
            throw new ChainDataException("no receipts for block " + blockHash);
        }
        List<ChainReceipt> out = new ArrayList<>(r.getResult().size());
        for (TransactionReceipt.TransactionReceiptData t : r.getResult()) {
            List<ChainLog> logs = new ArrayList<>();
            if (t.getLogs() != null) {
                for (KlayLogs.Log l : t.getLogs()) {
                    logs.add(new ChainLog(hexInt(l.getLogIndexRaw(), "log.logIndex"), address(l.getAddress(), "log.address"),
                            List.copyOf(l.getTopics()), l.getData() == null ? "0x" : l.getData()));
                }
            }
            String feePayer = t.getFeePayer();
            boolean delegated = feePayer != null && !feePayer.isEmpty() && !feePayer.equals("0x")
                    && !feePayer.equals("0x0000000000000000000000000000000000000000");
            String price = t.getEffectiveGasPrice() != null ? t.getEffectiveGasPrice() : t.getGasPrice();
            String txHash = hash(t.getTransactionHash(), "receipt.transactionHash");
            // Kaia receipts: status 1 = success, anything else failed (the reason is in txError). A failed
            // transaction's state changes, its logs included, are reverted: logs beside a failure are not a receipt.
            boolean succeeded = hexBig(t.getStatus(), "receipt.status").equals(BigInteger.ONE);
            if (!succeeded && !logs.isEmpty()) {
                throw new ChainDataException("receipt " + txHash + " has status " + t.getStatus() + " (failed) but carries "
                        + logs.size() + " log(s)");
            }
            Integer feeRatio = null;
            if (t.getFeeRatio() != null && !t.getFeeRatio().isEmpty()) {
                feeRatio = hexInt(t.getFeeRatio(), "receipt.feeRatio");
                if (feeRatio < 1 || feeRatio > 99) { // Kaia docs, partial fee delegation: "valid range is 1 to 99"
                    throw new ChainDataException("receipt.feeRatio " + t.getFeeRatio() + " is outside 1..99");
                }
            }
            out.add(new ChainReceipt(txHash, hexInt(t.getTransactionIndex(), "receipt.transactionIndex"),
                    hash(t.getBlockHash(), "receipt.blockHash"), required(t.getType(), "receipt.type"),
                    address(t.getFrom(), "receipt.from"), t.getTo() == null ? null : t.getTo().toLowerCase(),
                    delegated ? address(feePayer, "receipt.feePayer") : null, feeRatio,
                    hexLong(t.getGasUsed(), "receipt.gasUsed"), hexBig(price, "receipt.gasPrice"),
                    t.getSenderTxHash() == null ? null : hash(t.getSenderTxHash(), "receipt.senderTxHash"),
                    succeeded, List.copyOf(logs)));
        }
        return out;
    }

    private interface Call<T extends Response<?>> {
        T send() throws IOException;
    }

    private static <T extends Response<?>> T send(Call<T> call) throws IOException {
        T r;
        try {
            r = call.send();
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // caver/web3j wrap unparseable JSON in runtime exceptions: that is a node answering garbage.
            throw new ChainDataException("unreadable answer from the node: " + e.getMessage(), e);
        }
        if (r == null) {
            throw new ChainDataException("empty answer from the node");
        }
        if (r.hasError()) {
            throw new ChainDataException("node error " + r.getError().getCode() + ": " + r.getError().getMessage());
        }
        return r;
    }

    private static String required(String v, String field) {
        if (v == null || v.isEmpty()) {
            throw new ChainDataException(field + " is missing");
        }
        return v;
    }

    /** A QUANTITY ({@link #hexBig}) that fits a Java int. */
    static int hexInt(String v, String field) {
        BigInteger q = hexBig(v, field);
        if (q.bitLength() > 31) {
            throw new ChainDataException(field + " " + v + " is beyond an int");
        }
        return q.intValue();
    }

    /** A QUANTITY ({@link #hexBig}) that fits a Java long. */
    static long hexLong(String v, String field) {
        BigInteger q = hexBig(v, field);
        if (q.bitLength() > 63) {
            throw new ChainDataException(field + " " + v + " is beyond a long");
        }
        return q.longValue();
    }

    /**
     * A JSON-RPC QUANTITY, by the Ethereum JSON-RPC "hex value encoding" rule that Kaia's API follows: {@code 0x} and
     * the most compact hex digits, zero as {@code 0x0}; at most 256 bits (go-ethereum's and Kaia's hexutil.Big).
     * Refused as a garbage answer ({@link ChainDataException}, the follower retries): no digits ({@code 0x}), a
     * missing prefix, a sign ({@code 0x-1}, {@code 0x+1}), a non-hex digit, and leading zeros ({@code 0x01}): the
     * spec says "WRONG: 0x0400 (no leading zeroes allowed)" and hexutil refuses them, so a node never writes one.
     */
    static BigInteger hexBig(String v, String field) {
        required(v, field);
        if (!QUANTITY.matcher(v).matches()) {
            throw new ChainDataException(field + " is not a JSON-RPC quantity (0x, compact hex digits): " + v);
        }
        return new BigInteger(v.substring(2), 16);
    }

    private static final java.util.regex.Pattern QUANTITY =
            java.util.regex.Pattern.compile("0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})");

    static String hash(String v, String field) {
        required(v, field);
        if (!v.matches("0x[0-9a-fA-F]{64}")) {
            throw new ChainDataException(field + " is not a 32-byte hash: " + v);
        }
        return v.toLowerCase();
    }

    static String address(String v, String field) {
        required(v, field);
        if (!v.matches("0x[0-9a-fA-F]{40}")) {
            throw new ChainDataException(field + " is not an address: " + v);
        }
        return v.toLowerCase();
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // nothing to release beyond the connection pool
        }
    }
}
