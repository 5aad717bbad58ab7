package dev.kiroku.server.indicators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.api.Params;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorAction;
import dev.kiroku.server.api.TrialWindow;
import dev.kiroku.server.auth.Authentication;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The indicators REST API (docs/indicators.md): import a file (its bytes as the body, its name in {@code name}),
 * list, remove by id or by source, and hunt back on demand.
 */
public final class IndicatorRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private static final int MAX_LIST = 10_000;

    private final IndicatorService indicators;

    public IndicatorRoutes(IndicatorService indicators) {
        this.indicators = indicators;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/api/v1/indicators", this::importFile);
        config.routes.get("/api/v1/indicators", this::list);
        config.routes.delete("/api/v1/indicators", this::removeSource);
        config.routes.delete("/api/v1/indicators/{id}", this::remove);
        config.routes.post("/api/v1/indicators/hunt", this::hunt);
        config.routes.post("/api/v1/indicators/test", this::test);
        config.routes.get("/api/v1/indicators/status", ctx -> json(ctx, 200, indicators.status()));
    }

    private void importFile(Context ctx) {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter 'name' (the file's name, e.g. report.ioc) is required");
        byte[] content = ctx.bodyAsBytes();
        if (content.length == 0) throw new IllegalArgumentException("the body is empty: send the indicator file's bytes");
        IndicatorService.Imported imported = indicators.importFile(name, content, action(ctx.queryParam("action")),
                Params.expiry(ctx.queryParam("expires"), "expires", Instant.now()), Authentication.user(ctx));
        json(ctx, imported.refused() ? 422 : 201, imported);
    }

    /** Tries a file on the recorded history ({@code last} or {@code from}/{@code to}, {@code limit}) without importing it. */
    private void test(Context ctx) {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter 'name' (the file's name, e.g. report.ioc) is required");
        byte[] content = ctx.bodyAsBytes();
        if (content.length == 0) throw new IllegalArgumentException("the body is empty: send the indicator file's bytes");
        TrialWindow window = TrialWindow.of(ctx, indicators.clock());
        Map<String, Object> body = indicators.test(name, content, window.from(), window.to(), window.limit());
        json(ctx, Boolean.TRUE.equals(body.get("refused")) ? 422 : 200, body);
    }

    /** {@code action}: log, alert or block for every indicator of the file; absent keeps the file's own. */
    private static IndicatorAction action(String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return IndicatorAction.valueOf(value.strip().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'action' must be log, alert or block, not '" + value + "'");
        }
    }

    private void list(Context ctx) {
        String source = ctx.queryParam("source");
        List<Map<String, Object>> out = indicators.list().stream()
                .filter(i -> source == null || i.source().origin().equals(source))
                .limit(MAX_LIST).map(IndicatorRoutes::view).toList();
        json(ctx, 200, Map.of("indicators", out));
    }

    private void remove(Context ctx) {
        String id = ctx.pathParam("id");
        if (!indicators.remove(id, Authentication.user(ctx))) {
            json(ctx, 404, Map.of("error", "no indicator " + id));
            return;
        }
        json(ctx, 200, Map.of("removed", id));
    }

    private void removeSource(Context ctx) {
        String source = ctx.queryParam("source");
        if (source == null || source.isBlank()) throw new IllegalArgumentException("parameter 'source' is required to remove a whole source");
        json(ctx, 200, Map.of("removed", indicators.removeSource(source, Authentication.user(ctx)), "source", source));
    }

    /** Hunts ({@code source}, {@code id}, or every indicator) and answers with counts and the newest hits (endpoint, process, time, event). */
    private void hunt(Context ctx) {
        var result = indicators.hunt(ctx.queryParam("source"), ctx.queryParam("id"));
        int keep = Math.clamp(ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100), 0, MAX_LIST);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hits", result.hits().size());
        body.put("results", result.hits().reversed().stream().limit(keep)
                .map(hit -> Map.of("indicator", view(hit.indicator()), "event", hit.event().toEcs())).toList());
        body.put("events_examined", result.eventsExamined());
        body.put("truncated", result.truncated());
        body.put("took_ms", result.took().toMillis());
        json(ctx, 200, body);
    }

    static Map<String, Object> view(Indicator i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("source", i.source().origin());
        m.put("format", i.source().format().name().toLowerCase());
        m.put("type", i.type().name().toLowerCase());
        m.put("value", i.value());
        m.put("action", i.action().name().toLowerCase());
        m.put("expires", i.expires());
        m.put("tags", i.tags());
        m.put("description", i.description());
        m.put("evaluable", i.evaluable());
        if (!i.evaluable()) m.put("not_evaluable_reason", i.notEvaluableReason());
        return m;
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
