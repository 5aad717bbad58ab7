package dev.kiroku.server.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.investigate.inventory.InventoryEntry;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/**
 * The file inventory REST API (docs/indicators.md): which endpoints have a SHA-256 or a file name, executed or not,
 * offline endpoints included; the state of each endpoint's inventory scan; and a scan on demand.
 */
public final class InventoryRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final InventoryScans scans;

    public InventoryRoutes(InventoryScans scans) {
        this.scans = scans;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/inventory", this::find);
        config.routes.get("/api/v1/inventory/scans", ctx -> json(ctx, 200, Map.of("scans", scans.status())));
        config.routes.post("/api/v1/inventory/scans/{agent}", ctx -> json(ctx, 201, Map.of("command", scans.scanNow(ctx.pathParam("agent")))));
    }

    /** {@code ?sha256=X} or {@code ?name=Y}. */
    private void find(Context ctx) {
        String sha256 = ctx.queryParam("sha256");
        String name = ctx.queryParam("name");
        if ((sha256 == null) == (name == null)) throw new IllegalArgumentException("give exactly one of 'sha256' and 'name'");
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) throw new IllegalArgumentException("'sha256' must be 64 hex digits");
        List<InventoryEntry> entries = sha256 != null ? scans.inventory().byHash(sha256) : scans.inventory().byName(name);
        json(ctx, 200, Map.of("entries", entries));
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
