package io.aot.ads.access;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.StringWriter;
import java.util.Optional;

/**
 * The advertisers' HTTP API (Vert.x, like the gateway). Every request carries {@code Authorization: Bearer <key>}.
 * <ul>
 * <li>{@code GET /v1/segments}: the published segments the key is scoped to, with sizes. A segment under k is not
 * listed.</li>
 * <li>{@code GET /v1/segments/{id}/members}: its pseudonymous members as JSON lines, recorded in the export audit.</li>
 * </ul>
 * No or unknown or revoked key: 401; a segment outside the key's scope: 403; unknown or unpublished: 404. Errors are
 * JSON with a stable {@code code}. Cassandra calls run off the event loop.
 */
public final class AdvertiserApi implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private AdvertiserApi(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static AdvertiserApi start(String host, int port, AdvertiserKeys keys, SegmentDirectory segments) {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/v1/segments").handler(ctx -> blocking(ctx, () -> {
            Optional<AdvertiserKeys.Advertiser> who = authenticate(ctx, keys);
            if (who.isEmpty()) {
                return;
            }
            JsonArray list = new JsonArray();
            segments.published().stream().filter(s -> who.get().mayRead(s.id())).forEach(s -> list.add(new JsonObject()
                    .put("id", s.id()).put("version", s.version()).put("members", s.memberCount())
                    .put("updatedAt", String.valueOf(s.updatedAt())).put("definition", s.definition())));
            ctx.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("advertiser", who.get().name()).put("segments", list).encode());
        }));
        router.get("/v1/segments/:id/members").handler(ctx -> blocking(ctx, () -> {
            Optional<AdvertiserKeys.Advertiser> who = authenticate(ctx, keys);
            if (who.isEmpty()) {
                return;
            }
            String id = ctx.pathParam("id");
            if (!who.get().mayRead(id)) {
                error(ctx, 403, "SEGMENT_NOT_IN_SCOPE", "this key may not read segment " + id);
                return;
            }
            if (segments.find(id).filter(SegmentDirectory.Segment::published).isEmpty()) {
                error(ctx, 404, "SEGMENT_NOT_PUBLISHED", "no published segment " + id);
                return;
            }
            StringWriter body = new StringWriter();
            SegmentDirectory.Export e = segments.export(id, who.get().name(), "http:" + ctx.request().remoteAddress(),
                    body);
            ctx.response().putHeader("content-type", "application/x-ndjson").putHeader("x-export-id", e.exportId())
                    .putHeader("x-segment-version", Integer.toString(e.version())).end(body.toString());
        }));
        router.route().handler(ctx -> error(ctx, 404, "NOT_FOUND", "no such endpoint"));
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        try {
            server.listen(port, host).toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("advertiser API could not listen on " + host + ":" + port + ": " + e, e);
        }
        return new AdvertiserApi(vertx, server);
    }

    public int port() {
        return server.actualPort();
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void blocking(RoutingContext ctx, Work work) {
        ctx.vertx().executeBlocking(() -> {
            work.run();
            return null;
        }, false).onFailure(e -> error(ctx, 500, "INTERNAL", e.getMessage()));
    }

    private static Optional<AdvertiserKeys.Advertiser> authenticate(RoutingContext ctx, AdvertiserKeys keys) {
        String header = ctx.request().getHeader("authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            error(ctx, 401, "NO_API_KEY", "send Authorization: Bearer <api key>");
            return Optional.empty();
        }
        Optional<AdvertiserKeys.Advertiser> who = keys.find(header.substring("Bearer ".length()).trim());
        if (who.isEmpty()) {
            error(ctx, 401, "BAD_API_KEY", "unknown or revoked API key");
        }
        return who;
    }

    private static void error(RoutingContext ctx, int status, String code, String message) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("code", code).put("message", message).encode());
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
