package io.aot.ingestion.chain;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local HTTP JSON-RPC server that answers {@code klay_blockNumber}, {@code klay_getBlockByNumber} and
 * {@code klay_getBlockReceipts} the way a Klaytn node does: the answers are the recorded shapes in
 * {@code src/test/resources/klaytn/} (written from the Klaytn JSON-RPC reference), filled in per block. Each block
 * holds the same three transactions: a fee-delegated (30 % ratio) contract execution with one AOT transfer, a contract
 * execution with one AOT transfer among other events, and a fee-delegated KLAY transfer. It can go down, come back on
 * the same port, and answer garbage.
 */
final class FakeKlaytnNode implements AutoCloseable {

    /**
     * Garbage a node (or a proxy in front of it) can answer. The quantity faults break the JSON-RPC QUANTITY rule in a
     * receipt: a sign ({@code 0x+d6d8}, {@code 0x-2}), a leading zero ({@code "status": "0x01"}); a failed status with
     * the transaction's logs still attached is not a receipt either.
     */
    enum Fault { NONE, HTTP_500, NOT_JSON, RPC_ERROR, WRONG_BLOCK_HASH, BAD_HEX, PLUS_SIGN_QUANTITY, MINUS_SIGN_QUANTITY,
        LEADING_ZERO_STATUS, FAILED_STATUS_WITH_LOGS }

    static final String TOKEN = "0x1a3bd3f4c4ab0d1e2f3a4b5c6d7e8f9012345678";

    private final String blockTemplate = resource("klaytn/block.json");
    private final String receiptsTemplate = resource("klaytn/receipts.json");
    private final AtomicLong head = new AtomicLong();
    private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
    private final AtomicInteger requests = new AtomicInteger();
    private final int port;
    private HttpServer server;

    FakeKlaytnNode(long headBlock) throws IOException {
        head.set(headBlock);
        server = start(0);
        port = server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void head(long block) {
        head.set(block);
    }

    void fault(Fault f) {
        fault.set(f);
    }

    int requests() {
        return requests.get();
    }

    void stop() {
        server.stop(0);
    }

    void restart() throws IOException {
        server = start(port);
    }

    private HttpServer start(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 16);
        s.createContext("/", exchange -> {
            requests.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Fault f = fault.get();
            int status = 200;
            String answer;
            if (f == Fault.HTTP_500) {
                status = 500;
                answer = "upstream error";
            } else if (f == Fault.NOT_JSON) {
                answer = "<html>502 Bad Gateway</html>";
            } else {
                JsonObject request = new JsonObject(body);
                answer = answer(request, f).encode();
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        s.start();
        return s;
    }

    private JsonObject answer(JsonObject request, Fault f) {
        JsonObject response = new JsonObject().put("jsonrpc", "2.0").put("id", request.getValue("id"));
        if (f == Fault.RPC_ERROR) {
            return response.put("error", new JsonObject().put("code", -32000).put("message", "node is syncing"));
        }
        JsonArray params = request.getJsonArray("params", new JsonArray());
        switch (request.getString("method")) {
            case "klay_blockNumber" -> response.put("result", hex(head.get()));
            case "klay_getBlockByNumber" -> {
                long n = Long.parseLong(params.getString(0).substring(2), 16);
                response.put("result", n > head.get() ? null : new JsonObject(fill(blockTemplate, n, f)));
            }
            case "klay_getBlockReceipts" -> {
                String hash = params.getString(0);
                long n = blockOf(hash);
                response.put("result", n < 0 ? null : new JsonArray(fill(receiptsTemplate, n, f)));
            }
            default -> response.put("error", new JsonObject().put("code", -32601).put("message", "method not found"));
        }
        return response;
    }

    private long blockOf(String hash) {
        for (long n = 0; n <= head.get(); n++) {
            if (blockHash(n).equals(hash)) {
                return n;
            }
        }
        return -1;
    }

    private static String fill(String template, long n, Fault f) {
        String blockHash = f == Fault.WRONG_BLOCK_HASH ? sha("elsewhere" + n) : blockHash(n);
        String t = switch (f) {
            case PLUS_SIGN_QUANTITY -> template.replace("\"gasUsed\": \"0xd6d8\"", "\"gasUsed\": \"0x+d6d8\"");
            case MINUS_SIGN_QUANTITY -> template.replace("\"logIndex\": \"0x2\"", "\"logIndex\": \"0x-2\"");
            case LEADING_ZERO_STATUS -> template.replace("\"status\": \"0x1\"", "\"status\": \"0x01\"");
            case FAILED_STATUS_WITH_LOGS -> template.replaceFirst("\"status\": \"0x1\"", "\"status\": \"0x0\"");
            default -> template;
        };
        return t.replace("${blockHash}", blockHash)
                .replace("${blockNumber}", f == Fault.BAD_HEX ? "0xZZ" : hex(n))
                .replace("${parentHash}", n == 0 ? sha("genesis") : blockHash(n - 1))
                .replace("${timestamp}", hex(1_763_900_000L + n))
                .replace("${totalBlockScore}", hex(n + 1))
                .replace("${token}", TOKEN)
                .replace("${txHash0}", txHash(n, 0)).replace("${txHash1}", txHash(n, 1)).replace("${txHash2}", txHash(n, 2))
                .replace("${senderTxHash0}", sha("sender" + n + ":0")).replace("${senderTxHash2}", sha("sender" + n + ":2"));
    }

    static String blockHash(long n) {
        return sha("block" + n);
    }

    static String txHash(long n, int i) {
        return sha("tx" + n + ":" + i);
    }

    private static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    private static String sha(String s) {
        try {
            return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = FakeKlaytnNode.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
