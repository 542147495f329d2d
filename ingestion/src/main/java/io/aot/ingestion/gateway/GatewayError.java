package io.aot.ingestion.gateway;

import io.vertx.core.json.JsonObject;

/**
 * A refusal the gateway answers with: an HTTP status, a stable machine-readable code (docs/gateway.md lists them)
 * and a message for people. Thrown by parsing and checks, turned into the JSON error body in one place.
 */
public final class GatewayError extends RuntimeException {

    private final int status;
    private final String code;
    private final String txId;

    public GatewayError(int status, String code, String message, String txId) {
        super(message, null, false, false); // a refusal, not a bug: no stack trace to fill per bad request
        this.status = status;
        this.code = code;
        this.txId = txId;
    }

    public static GatewayError badRequest(String code, String message) {
        return new GatewayError(400, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("error", code).put("message", getMessage());
        if (txId != null) {
            o.put("txId", txId);
        }
        return o;
    }
}
