package dev.kiroku.server.yara;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.auth.Authentication;
import dev.kiroku.server.inventory.InventoryScans;
import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.YaraJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The YARA sweep REST API (docs/yara.md): start a sweep, list sweeps, and show one with per-endpoint progress.
 */
public final class YaraSweepRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final YaraSweeps sweeps;

    public YaraSweepRoutes(YaraSweeps sweeps) {
        this.sweeps = sweeps;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/api/v1/yara/sweeps", this::start);
        config.routes.get("/api/v1/yara/sweeps", ctx -> json(ctx, 200, Map.of("sweeps", sweeps.list(200))));
        config.routes.get("/api/v1/yara/sweeps/{id}", this::show);
        config.routes.post("/api/v1/yara/check", this::check);
    }

    /** {"rules": [{"name", "source"}]}: compiles the rule files as a sweep would and reports each one's errors by line. */
    private void check(Context ctx) {
        json(ctx, 200, RuleCheck.check(rules(body(ctx))));
    }

    /**
     * {"rules": [{"name", "source"}], "paths": [...], "processes": [globs], "endpoints": [agent ids] (absent or empty:
     * all), "options": ScanOptions (optional), "wait_hours": optional, "trial": optional}. A trial runs on one
     * endpoint, raises no alert, and without paths or processes scans the directories the file inventory covers.
     */
    private void start(Context ctx) {
        JsonNode body = body(ctx);
        List<RuleSource> rules = rules(body);
        boolean trial = body.path("trial").asBoolean(false);
        List<String> paths = texts(body.path("paths"));
        if (trial && paths.isEmpty() && body.path("processes").isEmpty()) {
            paths = InventoryScans.configuredRoots().stream().map(java.nio.file.Path::toString).toList();
        }
        ScanOptions options = body.hasNonNull("options") ? YaraJson.read(body.get("options").toString(), ScanOptions.class) : null;
        Duration wait = body.hasNonNull("wait_hours") ? Duration.ofMinutes(Math.round(body.get("wait_hours").asDouble() * 60)) : null;
        SweepSpec spec = new SweepSpec(rules, paths, texts(body.path("processes")), texts(body.path("endpoints")),
                options, wait, trial);
        YaraSweeps.Sweep sweep = sweeps.start(spec, Authentication.user(ctx));
        json(ctx, 201, sweeps.status(sweep.id()).orElseThrow());
    }

    private void show(Context ctx) {
        String id = ctx.pathParam("id");
        sweeps.status(id).ifPresentOrElse(status -> json(ctx, 200, status), () -> json(ctx, 404, Map.of("error", "no sweep " + id)));
    }

    private static JsonNode body(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object with 'rules' and 'paths'");
        return body;
    }

    private static List<RuleSource> rules(JsonNode body) {
        List<RuleSource> rules = new ArrayList<>();
        for (JsonNode rule : body.path("rules")) {
            rules.add(new RuleSource(rule.path("name").asText("rules.yar"), rule.path("source").asText("")));
        }
        return rules;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) out.add(item.asText());
        return out;
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
