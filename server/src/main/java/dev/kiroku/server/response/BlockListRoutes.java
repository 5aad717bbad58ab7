package dev.kiroku.server.response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.api.Params;
import dev.kiroku.server.auth.Authentication;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.Map;

/** The block list REST API (docs/response.md): list, add a hash or destination, remove. */
public final class BlockListRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final BlockList blockList;

    public BlockListRoutes(BlockList blockList) {
        this.blockList = blockList;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/blocklist", ctx -> json(ctx, 200, Map.of("entries", blockList.list())));
        config.routes.post("/api/v1/blocklist", this::add);
        config.routes.delete("/api/v1/blocklist/{id}", this::remove);
    }

    /** {"kind": "hash" | "destination", "value": …, "reason": optional}. */
    private void add(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object with 'kind' and 'value'");
        String actor = Authentication.user(ctx);
        json(ctx, 201, blockList.add(body.path("kind").asText(""), body.path("value").asText(""),
                body.path("reason").isMissingNode() ? null : body.path("reason").asText(), "analyst", actor,
                Params.expiry(body.path("expires").isMissingNode() || body.path("expires").isNull() ? null : body.path("expires").asText(), "expires", java.time.Instant.now())));
    }

    private void remove(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("block list id must be a number, not '" + ctx.pathParam("id") + "'");
        }
        if (!blockList.remove(id, Authentication.user(ctx))) {
            json(ctx, 404, Map.of("error", "no block list entry " + id));
            return;
        }
        json(ctx, 200, Map.of("removed", id));
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
