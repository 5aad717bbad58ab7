package dev.kiroku.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.console.ConsoleAssets;
import dev.kiroku.server.auth.Authentication;
import dev.kiroku.server.detect.DetectionRoutes;
import dev.kiroku.server.fleet.FleetRoutes;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.FieldSpec;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;
import dev.kiroku.store.SortPosition;
import dev.kiroku.store.query.QuerySyntaxException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;

/**
 * The REST API (docs/api.md). Every request needs an authenticated user whose role allows it. Errors are
 * {"error": "..."} with 400 for bad requests, 401/403 for authentication and roles, 404 for unknown ids.
 */
public final class ApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final EventStore store;
    private final AgentDirectory agents;
    private final InstantSource clock;
    private final FleetRoutes fleet;
    private final Javalin app;
    private volatile String listenHost;
    private volatile int listenPort;

    /** The API over plain HTTP. */
    public ApiServer(EventStore store, AgentDirectory agents, InstantSource clock, Authentication authentication,
                     DetectionRoutes detection, FleetRoutes fleet, List<Consumer<JavalinConfig>> moreRoutes) {
        this(store, agents, clock, authentication, detection, fleet, moreRoutes, null);
    }

    /** The API over HTTPS with {@code tls}'s certificate, or plain HTTP when {@code tls} is null. */
    public ApiServer(EventStore store, AgentDirectory agents, InstantSource clock, Authentication authentication,
                     DetectionRoutes detection, FleetRoutes fleet, List<Consumer<JavalinConfig>> moreRoutes, ListenerTls tls) {
        this.store = store;
        this.agents = agents;
        this.clock = clock;
        this.fleet = fleet;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            if (tls != null) config.jetty.addConnector((server, http) -> tls.connector(server, http, listenHost, listenPort));
            config.routes.before(authentication::check);
            authentication.register(config);
            config.routes.get("/api/v1/health", this::health);
            config.routes.get("/api/v1/events", this::search);
            config.routes.get("/api/v1/events/count", this::count);
            config.routes.get("/api/v1/events/aggregate", this::aggregate);
            config.routes.get("/api/v1/events/histogram", this::histogram);
            config.routes.get("/api/v1/events/fields", this::fields);
            config.routes.get("/api/v1/agents", ctx -> json(ctx, Map.of("agents", agents.agents())));
            config.routes.get("/api/v1/agents/{agent}/gaps", this::gaps);
            detection.register(config);
            new ConsoleAssets().register(config);
            fleet.register(config);
            moreRoutes.forEach(routes -> routes.accept(config));
            config.routes.exception(Authentication.Refused.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(FleetRoutes.NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            config.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(QuerySyntaxException.class, (e, ctx) -> error(ctx, 400, "query " + e.getMessage()));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.toString()));
        });
    }

    /** Starts listening; port 0 picks a free port. Returns the port. */
    public int start(String host, int port) {
        listenHost = host;
        listenPort = port;
        app.start(host, port);
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** "ok", or "degraded" with the reason when the state database is failing (ingest and search go on). */
    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        var stateProblem = fleet.stateDatabaseProblem();
        body.put("status", stateProblem.isEmpty() ? "ok" : "degraded");
        body.put("store", store.status());
        body.put("stateDatabase", stateProblem.orElse("ok"));
        json(ctx, body);
    }

    private void search(Context ctx) {
        EventQuery query = query(ctx).limit((int) Params.number(ctx, "limit", 50, 1, EventQuery.MAX_LIMIT));
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) query = query.after(SortPosition.fromToken(cursor));
        Page page = store.search(query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", store.count(query));
        body.put("events", page.hits().stream().map(Hit::ecs).toList());
        body.put("next", page.next() == null ? null : page.next().token());
        json(ctx, body);
    }

    private void count(Context ctx) {
        json(ctx, Map.of("count", store.count(query(ctx))));
    }

    private void aggregate(Context ctx) {
        String field = required(ctx, "field");
        var terms = store.terms(query(ctx), field, (int) Params.number(ctx, "size", 10, 1, 1000));
        json(ctx, Map.of("field", field, "buckets", terms.top(), "other", terms.otherCount()));
    }

    private void histogram(Context ctx) {
        String interval = ctx.queryParam("interval");
        Duration step = interval == null ? Duration.ofMinutes(1) : Durations.parse(interval);
        json(ctx, Map.of("interval", step.toString(), "buckets", store.histogram(query(ctx), step)));
    }

    /** The searchable fields, for query completion: name, type, and whether {@code aggregate} accepts it. */
    private void fields(Context ctx) {
        var fields = EventSchema.fields().values().stream()
                .sorted(java.util.Comparator.comparing(FieldSpec::name))
                .map(f -> Map.of("name", f.name(), "type", f.type().name().toLowerCase(), "aggregatable", f.aggregatable()))
                .toList();
        json(ctx, Map.of("fields", fields));
    }

    private void gaps(Context ctx) {
        long from = Params.number(ctx.queryParam("from"), "from", 1);
        long to = Params.number(ctx.queryParam("to"), "to", Long.MAX_VALUE);
        json(ctx, store.sequenceGaps(ctx.pathParam("agent"), from, to));
    }

    /** The query text, the host filter and the time window of a request. */
    private EventQuery query(Context ctx) {
        String text = ctx.queryParam("q");
        text = text == null || text.isBlank() || text.equals("*") ? "" : text;
        String host = ctx.queryParam("host");
        if (host != null && !host.isBlank()) {
            String hostClause = "host.name:\"" + host.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            text = text.isEmpty() ? hostClause : "(" + text + ") AND " + hostClause;
        }
        EventQuery query = text.isEmpty() ? EventQuery.all() : EventQuery.parse(text, clock);
        Instant from = Params.windowStart(ctx, clock.instant(), null);
        Instant to = Params.instant(ctx, "to");
        return from == null && to == null ? query : query.between(from, to);
    }

    private static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) throw new BadRequest("parameter '" + name + "' is required");
        return value;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, Map.of("error", message == null ? "error" : message));
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    /** A request the API cannot answer as asked; the message tells the caller what to change. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
