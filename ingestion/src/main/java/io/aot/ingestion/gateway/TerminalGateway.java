package io.aot.ingestion.gateway;

import io.aot.avro.TerminalPayment;
import io.aot.ledger.terminal.CachingTerminalDirectory;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.validation.PaymentLimits;
import io.aot.ledger.validation.PaymentValidation;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The HTTP API payment terminals call (docs/gateway.md). {@code POST /v1/payments}: parse strictly, check like the
 * ingest job does (same {@link PaymentValidation}: amounts, limits, clock, registered and active terminal, device
 * signature), limit the terminal's rate, reserve its sequence number, write to Kafka, and answer {@code 202} with the
 * transaction id only once Kafka acknowledged the write. Every refusal is JSON with a stable code. {@code GET /health}
 * (200 when Kafka answers, else 503) and {@code GET /metrics} (Prometheus text).
 *
 * <p>Vert.x on Netty: one event loop per core, each running a copy of the router; the work per request (JSON, one
 * signature verification, one producer append) is tens of microseconds, so it runs on the loop; only a terminal
 * registry lookup (a Cassandra query, on a cache miss) goes to a worker thread.
 */
public final class TerminalGateway implements AutoCloseable {

    /** Codes that mean "we do not know who you are or you did not sign this": 401. */
    private static final Set<String> UNAUTHORIZED = Set.of("UNKNOWN_TERMINAL", "TERMINAL_REVOKED",
            "MERCHANT_MISMATCH", "UNKNOWN_KEY", "BAD_SIGNATURE");

    private final Vertx vertx;
    private final int port;
    private final GatewayMetrics metrics;

    private TerminalGateway(Vertx vertx, int port, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.port = port;
        this.metrics = metrics;
    }

    /** Starts the gateway; returns once it listens. The caller owns {@code terminals} and {@code publisher}. */
    public static TerminalGateway start(GatewaySettings settings, CachingTerminalDirectory terminals,
            PaymentPublisher publisher, Clock clock) {
        int port = settings.port() == 0 ? freePort(settings.host()) : settings.port();
        GatewayMetrics metrics = new GatewayMetrics(publisher::inFlight, terminals::registryLookups);
        Handlers shared = new Handlers(settings, terminals, publisher, clock, metrics,
                new PaymentValidation(PaymentLimits.parse(settings.limits()), settings.maxClockSkewMs()),
                new TerminalRateLimiter(settings.ratePerTerminalPerSec(), settings.burstPerTerminal(),
                        GatewaySettings.MAX_TRACKED_TERMINALS, System::nanoTime),
                new SequenceGuard(settings.sequenceWindow(), GatewaySettings.MAX_TRACKED_TERMINALS));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops())
                .setWorkerPoolSize(8));
        try {
            vertx.deployVerticle(() -> new ServerVerticle(settings, port, shared),
                    new DeploymentOptions().setInstances(settings.eventLoops()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("gateway could not listen on " + settings.host() + ":" + port + ": " + e, e);
        }
        return new TerminalGateway(vertx, port, metrics);
    }

    public int port() {
        return port;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not stop cleanly", e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One router per event loop; they share {@link Handlers}. */
    private static final class ServerVerticle extends VerticleBase {
        private final GatewaySettings settings;
        private final int port;
        private final Handlers handlers;

        ServerVerticle(GatewaySettings settings, int port, Handlers handlers) {
            this.settings = settings;
            this.port = port;
            this.handlers = handlers;
        }

        @Override
        public Future<?> start() {
            Router router = Router.router(vertx);
            router.post("/v1/payments")
                    .handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()))
                    .handler(handlers::payment);
            router.get("/health").handler(handlers::health);
            router.get("/metrics").handler(handlers::metrics);
            router.errorHandler(413, ctx -> handlers.refuse(ctx, new GatewayError(413, "TOO_LARGE",
                    "body exceeds " + settings.maxBodyBytes() + " bytes", null), System.nanoTime()));
            router.errorHandler(404, ctx -> handlers.refuse(ctx, new GatewayError(404, "NOT_FOUND",
                    "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(), null), System.nanoTime()));
            router.errorHandler(405, ctx -> handlers.refuse(ctx, new GatewayError(405, "METHOD_NOT_ALLOWED",
                    ctx.request().method() + " is not allowed on " + ctx.request().path(), null), System.nanoTime()));
            router.errorHandler(500, ctx -> handlers.refuse(ctx, new GatewayError(500, "INTERNAL",
                    "internal error: " + ctx.failure(), null), System.nanoTime()));
            HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(port)
                    .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setMaxInitialLineLength(1024).setMaxHeaderSize(8192);
            if (settings.tls()) {
                options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(settings.tlsCertPem().toString()).setKeyPath(settings.tlsKeyPem().toString()));
            }
            HttpServer server = vertx.createHttpServer(options).requestHandler(router);
            return server.listen();
        }
    }

    /** The request handlers, shared by every event loop (all their state is thread-safe). */
    private record Handlers(GatewaySettings settings, CachingTerminalDirectory terminals, PaymentPublisher publisher,
            Clock clock, GatewayMetrics metrics, PaymentValidation validation, TerminalRateLimiter rateLimiter,
            SequenceGuard sequences) {

        void payment(RoutingContext ctx) {
            long startNanos = System.nanoTime();
            TerminalPayment p;
            try {
                p = PaymentJson.parse(body(ctx));
            } catch (GatewayError e) {
                refuse(ctx, e, startNanos);
                return;
            }
            if (terminals.isCached(p.getTerminalId())) {
                afterLookup(ctx, p, terminals.find(p.getTerminalId()), startNanos);
                return;
            }
            Context loop = ctx.vertx().getOrCreateContext();
            ctx.vertx().executeBlocking(() -> terminals.find(p.getTerminalId()), false).onComplete(found -> {
                if (found.failed()) {
                    refuse(ctx, new GatewayError(503, "REGISTRY_UNAVAILABLE",
                            "terminal registry lookup failed: " + found.cause().getMessage(), null), startNanos);
                } else {
                    loop.runOnContext(v -> afterLookup(ctx, p, found.result(), startNanos));
                }
            });
        }

        private static JsonObject body(RoutingContext ctx) {
            Buffer raw = ctx.body().buffer();
            if (raw == null || raw.length() == 0) {
                throw GatewayError.badRequest("MALFORMED_JSON", "empty body; expected a JSON object");
            }
            try {
                return raw.toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                throw GatewayError.badRequest("MALFORMED_JSON", "body is not JSON: " + firstLine(e.getMessage()));
            }
        }

        private void afterLookup(RoutingContext ctx, TerminalPayment p, Optional<Terminal> terminal, long startNanos) {
            long now = clock.millis();
            String code = validation.check(p, now, terminal);
            if (!DeviceCheck.OK.equals(code)) {
                int status = UNAUTHORIZED.contains(code) ? 401 : 400;
                refuse(ctx, new GatewayError(status, code, describe(code), null), startNanos);
                return;
            }
            if (!rateLimiter.tryAcquire(p.getTerminalId())) {
                ctx.response().putHeader("Retry-After", "1");
                refuse(ctx, new GatewayError(429, "RATE_LIMITED", "terminal " + p.getTerminalId() + " exceeds "
                        + settings.ratePerTerminalPerSec() + " payments/s", null), startNanos);
                return;
            }
            String busy = publisher.refusal();
            if (busy != null) {
                ctx.response().putHeader("Retry-After", "1");
                refuse(ctx, new GatewayError(503, busy, "Kafka cannot take the payment now; retry the same request",
                        null), startNanos);
                return;
            }
            // The signature covers every field: the same tx id with the same signature is the same payment.
            int digest = p.getSignature().duplicate().hashCode();
            try {
                sequences.reserve(p.getTerminalId(), p.getTerminalSequence(), p.getTxId(), digest);
            } catch (GatewayError e) {
                refuse(ctx, e, startNanos);
                return;
            }
            p.setReceivedAtMillis(java.time.Instant.ofEpochMilli(now));
            Context loop = ctx.vertx().getOrCreateContext();
            publisher.publish(p).whenComplete((meta, failure) -> loop.runOnContext(v -> {
                if (failure == null) {
                    sequences.acknowledged(p.getTerminalId(), p.getTerminalSequence());
                    metrics.answered(202, "ACCEPTED", System.nanoTime() - startNanos);
                    ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("txId", p.getTxId()).put("partition", meta.partition())
                                    .put("offset", meta.offset()).encode());
                } else {
                    sequences.release(p.getTerminalId(), p.getTerminalSequence());
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    String why = cause instanceof TimeoutException ? "KAFKA_TIMEOUT" : "KAFKA_UNAVAILABLE";
                    ctx.response().putHeader("Retry-After", "1");
                    refuse(ctx, new GatewayError(503, why, "Kafka did not acknowledge the payment ("
                            + cause.getClass().getSimpleName() + "); it was not accepted, retry the same request", null),
                            startNanos);
                }
            }));
        }

        void health(RoutingContext ctx) {
            boolean up = publisher.clusterReachable();
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("kafka", up ? "reachable" : "unreachable")
                            .put("kafkaInFlight", publisher.inFlight()).encode());
        }

        void metrics(RoutingContext ctx) {
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(metrics.prometheusText());
        }

        void refuse(RoutingContext ctx, GatewayError e, long startNanos) {
            metrics.answered(e.status(), e.code(), System.nanoTime() - startNanos);
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                        .end(e.toJson().encode());
            }
        }

        private static String describe(String code) {
            return switch (code) {
                case "UNKNOWN_TERMINAL" -> "the terminal is not registered";
                case "TERMINAL_REVOKED" -> "the terminal is revoked";
                case "MERCHANT_MISMATCH" -> "the terminal is registered to another merchant";
                case "UNKNOWN_KEY" -> "the key id or algorithm is not the terminal's registered key";
                case "BAD_SIGNATURE" -> "the device signature does not verify over the canonical bytes";
                case "CLOCK_SKEW" -> "createdAtMillis is too far from the gateway's clock";
                case "AMOUNT_OVER_LIMIT" -> "the amount exceeds the per-payment limit of its currency";
                case "AMOUNT_OUT_OF_RANGE" -> "the amount is outside the ledger's range";
                case "CURRENCY_METHOD_MISMATCH" -> "AOT_COIN payments are in AOT, other methods not";
                case "REFUND_WITHOUT_ORIGINAL" -> "a refund must name originalTxId";
                case "UNSUPPORTED_KIND" -> "terminals send PAYMENT, REFUND or POINT_SWAP";
                default -> "refused: " + code;
            };
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }
}
