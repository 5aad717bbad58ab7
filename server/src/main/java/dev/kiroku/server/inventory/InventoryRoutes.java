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
 * The file inventory REST API (docs/indicators.md): which endpoints have a SHA-256, MD5, SHA-1 or a file name, executed or not,
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

    /** {@code ?sha256=X}, {@code ?md5=X}, {@code ?sha1=X} or {@code ?name=Y}. */
    private void find(Context ctx) {
        String sha256 = hex(ctx, "sha256", 64);
        String md5 = hex(ctx, "md5", 32);
        String sha1 = hex(ctx, "sha1", 40);
        String name = ctx.queryParam("name");
        long given = java.util.stream.Stream.of(sha256, md5, sha1, name).filter(java.util.Objects::nonNull).count();
        if (given != 1) throw new IllegalArgumentException("give exactly one of 'sha256', 'md5', 'sha1' and 'name'");
        List<InventoryEntry> entries = sha256 != null ? scans.inventory().byHash(sha256)
                : md5 != null ? scans.inventory().byMd5(md5)
                : sha1 != null ? scans.inventory().bySha1(sha1)
                : scans.inventory().byName(name);
        json(ctx, 200, Map.of("entries", entries));
    }

    private static String hex(Context ctx, String parameter, int digits) {
        String value = ctx.queryParam(parameter);
        if (value != null && !value.matches("[0-9a-fA-F]{" + digits + "}")) {
            throw new IllegalArgumentException("'" + parameter + "' must be " + digits + " hex digits");
        }
        return value;
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
