package dev.kiroku.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.api.Durations;
import dev.kiroku.server.auth.Authentication;
import dev.kiroku.server.auth.Role;
import dev.kiroku.server.auth.Users;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** REST routes of the fleet (docs/api.md): endpoints, tokens, revocation, commands, users, audit. */
public final class FleetRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final Fleet fleet;
    private final Users users;

    public FleetRoutes(Fleet fleet, Users users) {
        this.fleet = fleet;
        this.users = users;
    }

    /** Why the fleet's state database is failing, if it is. */
    public java.util.Optional<String> stateDatabaseProblem() {
        return fleet.state().problem();
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/endpoints", this::endpoints);
        config.routes.get("/api/v1/endpoints/summary", ctx -> json(ctx, 200, FleetSummary.of(fleet.endpoints(), 20)));
        config.routes.get("/api/v1/endpoints/{id}", ctx -> json(ctx, 200, endpoint(ctx.pathParam("id"))));
        config.routes.post("/api/v1/endpoints/{id}/revoke", this::revoke);
        config.routes.post("/api/v1/tokens", this::createToken);
        config.routes.post("/api/v1/commands", this::issue);
        config.routes.get("/api/v1/commands", ctx -> json(ctx, 200, Map.of("commands", fleet.commands(null, limit(ctx)))));
        config.routes.get("/api/v1/commands/{id}", this::command);
        config.routes.post("/api/v1/users", this::putUser);
        config.routes.get("/api/v1/audit", ctx -> json(ctx, 200, Map.of("audit", fleet.state().auditTrail(limit(ctx)))));
    }

    private Map<String, Object> endpoint(String id) {
        return fleet.endpoint(id).orElseThrow(() -> new NotFound("no endpoint with agent id " + id));
    }

    /** Every endpoint, or a page of them ({@code q}, {@code status}, {@code offset}, {@code limit}) with the total matched. */
    private void endpoints(Context ctx) {
        String q = ctx.queryParam("q");
        String status = ctx.queryParam("status");
        int offset = number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = number(ctx, "limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        Fleet.EndpointPage page = fleet.endpoints(q, status, offset, limit);
        json(ctx, 200, Map.of("endpoints", page.endpoints(), "total", page.total(), "offset", offset));
    }

    private static int number(Context ctx, String name, int absent, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) return absent;
        try {
            int n = Integer.parseInt(value.strip());
            if (n < min || n > max) throw new IllegalArgumentException("parameter '" + name + "' must be at least " + min + ", not " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not a number: " + value);
        }
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        if (!fleet.revoke(id, Authentication.user(ctx))) throw new NotFound("no endpoint with agent id " + id);
        json(ctx, 200, endpoint(id));
    }

    private void createToken(Context ctx) {
        JsonNode body = body(ctx);
        Duration valid = Durations.parse(body.path("expires").asText("24h"));
        String token = fleet.createToken(valid, body.path("group").asText("default"), Authentication.user(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", token);
        answer.put("expiresIn", valid.toString());
        answer.put("fleetPort", fleet.port());
        json(ctx, 201, answer);
    }

    private void issue(Context ctx) {
        JsonNode body = body(ctx);
        String target = body.path("target").asText("");
        String type = body.path("type").asText(null);
        Map<String, String> parameters = new LinkedHashMap<>();
        body.path("parameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue().isTextual()
                ? e.getValue().asText() : e.getValue().toString()));
        Duration expires = Durations.parse(body.path("expires").asText("1h"));
        json(ctx, 201, fleet.issue(target, type, parameters, expires, Authentication.user(ctx)));
    }

    private void command(Context ctx) {
        List<Map<String, Object>> deliveries = fleet.commands(ctx.pathParam("id"), 10_000);
        if (deliveries.isEmpty()) throw new NotFound("no command " + ctx.pathParam("id"));
        json(ctx, 200, Map.of("deliveries", deliveries));
    }

    private void putUser(Context ctx) {
        JsonNode body = body(ctx);
        String name = body.path("name").asText("");
        users.put(name, Role.parse(body.path("role").asText("")), body.path("password").asText(""), Authentication.user(ctx));
        json(ctx, 201, Map.of("name", name, "role", Role.parse(body.path("role").asText("")).label()));
    }

    private static int limit(Context ctx) {
        String value = ctx.queryParam("limit");
        try {
            return value == null ? 100 : Math.max(1, Math.min(10_000, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter 'limit' is not a number: " + value);
        }
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) return JSON.createObjectNode();
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) throw new IllegalArgumentException("the request body must be a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    /** A 404 answer. */
    public static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
