package dev.kiroku.server.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.api.Params;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertQuery;
import dev.kiroku.server.alerts.AlertSummary;
import dev.kiroku.server.alerts.Exclusion;
import dev.kiroku.server.alerts.Triage;
import dev.kiroku.server.api.Durations;
import dev.kiroku.server.api.TrialWindow;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detection REST API (docs/detection.md): alerts, rules and alert exceptions. Every handler answers errors
 * itself as {@code {"error": ...}} (400 bad request, 404 unknown id), so it works in any Javalin it is added to.
 */
public final class DetectionRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private static final int PREVIEW_ALERTS = 10_000;

    private final Detection detection;

    public DetectionRoutes(Detection detection) {
        this.detection = detection;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/alerts", guarded(this::alerts));
        config.routes.get("/api/v1/alerts/summary", guarded(this::summary));
        config.routes.get("/api/v1/alerts/{id}", guarded(this::alert));
        config.routes.post("/api/v1/alerts/{id}/triage", guarded(this::triage));
        config.routes.get("/api/v1/detection/status", guarded(ctx -> json(ctx, 200, detection.status())));
        config.routes.get("/api/v1/rules", guarded(this::rules));
        config.routes.post("/api/v1/rules", guarded(this::addRule));
        config.routes.post("/api/v1/rules/reload", guarded(this::reload));
        config.routes.post("/api/v1/rules/validate", guarded(ctx -> json(ctx, 200, detection.rules().validate(ctx.body()))));
        config.routes.post("/api/v1/rules/test", guarded(ctx -> trial(ctx, detection.rules().candidate(ctx.body()))));
        config.routes.post("/api/v1/rules/{id}/test", guarded(ctx -> trial(ctx, detection.rules().loaded(ctx.pathParam("id")))));
        config.routes.post("/api/v1/rules/{id}/enable", guarded(ctx -> setEnabled(ctx, true)));
        config.routes.post("/api/v1/rules/{id}/disable", guarded(ctx -> setEnabled(ctx, false)));
        config.routes.get("/api/v1/exceptions", guarded(ctx -> json(ctx, 200,
                Map.of("exceptions", detection.exclusions().list().stream().map(DetectionRoutes::view).toList()))));
        config.routes.post("/api/v1/exceptions", guarded(this::addException));
        config.routes.post("/api/v1/exceptions/preview", guarded(this::preview));
        config.routes.delete("/api/v1/exceptions/{id}", guarded(this::deleteException));
    }

    private void alerts(Context ctx) {
        Instant from = Params.windowStart(ctx, detection.clock().instant(), null);
        Instant to = Params.instant(ctx, "to");
        int limit = (int) Params.number(ctx.queryParam("limit"), "limit", 100);
        AlertQuery query = new AlertQuery(ctx.queryParam("rule"), ctx.queryParam("level"), ctx.queryParam("host"),
                ctx.queryParam("agent"), ctx.queryParam("rule_status"), ctx.queryParam("status"), from, to, limit);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Alert a : detection.alerts().search(query)) out.add(view(a));
        json(ctx, 200, Map.of("alerts", out));
    }

    /**
     * Counts for the console's overview: {@code last} (default 24h) or {@code from}/{@code to}, {@code bucket} (default
     * 1h), {@code top} (default 10) rules and techniques.
     */
    private void summary(Context ctx) {
        java.time.Duration bucket = Durations.parse(ctx.queryParamAsClass("bucket", String.class).getOrDefault("1h"));
        if (bucket.toSeconds() < 1) throw new IllegalArgumentException("'bucket' must be at least 1s");
        Instant to = Params.instant(ctx, "to");
        if (to == null) {
            // The window ends with the bucket holding now, so buckets start on whole hours (minutes…) and now is in the last one.
            long now = detection.clock().instant().getEpochSecond();
            to = Instant.ofEpochSecond(now - Math.floorMod(now, bucket.toSeconds()) + bucket.toSeconds());
        }
        Instant from = Params.windowStart(ctx, to, "24h");
        if (java.time.Duration.between(from, to).dividedBy(bucket) > 1000) {
            throw new IllegalArgumentException("'bucket' " + bucket + " makes more than 1000 buckets over the window; choose a longer bucket");
        }
        int top = (int) Params.number(ctx.queryParam("top"), "top", 10);
        AlertSummary s = detection.alerts().summarize(from, to, bucket, top);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", s.from());
        body.put("to", s.to());
        body.put("bucket_seconds", s.bucket().toSeconds());
        body.put("buckets", s.buckets().stream().map(b -> Map.of("start", b.start(), "levels", b.levels())).toList());
        body.put("totals", s.totals());
        body.put("top_rules", s.topRules().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("title", r.title());
            m.put("level", r.level());
            m.put("alerts", r.alerts());
            return m;
        }).toList());
        body.put("techniques", s.techniques());
        json(ctx, 200, body);
    }

    private void alert(Context ctx) {
        long id = Params.number(ctx.pathParam("id"), "alert id", 0);
        Alert alert = detection.alerts().get(id).orElseThrow(() -> new NotFound("no alert " + id));
        json(ctx, 200, view(alert));
    }

    /** {"status": open|acknowledged|false_positive|resolved, "assignee": optional}; who and when are recorded. */
    private void triage(Context ctx) {
        long id = Params.number(ctx.pathParam("id"), "alert id", 0);
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object with 'status'");
        Alert current = detection.alerts().get(id).orElseThrow(() -> new NotFound("no alert " + id));
        String status = body.hasNonNull("status") ? body.get("status").asText() : current.triage().status();
        String assignee = body.has("assignee") ? (body.get("assignee").isNull() ? null : body.get("assignee").asText()) : current.triage().assignee();
        Triage triage = new Triage(status, assignee == null || assignee.isBlank() ? null : assignee,
                dev.kiroku.server.auth.Authentication.user(ctx), detection.clock().instant());
        json(ctx, 200, view(detection.alerts().triage(id, triage).orElseThrow(() -> new NotFound("no alert " + id))));
    }

    private void rules(Context ctx) {
        LoadedRules current = detection.rules().current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rules", detection.rules().list());
        body.put("loaded", current.loaded());
        body.put("problems", current.report().problems());
        json(ctx, 200, body);
    }

    private void addRule(Context ctx) {
        List<String> ids = detection.rules().add(ctx.queryParam("name"), ctx.body());
        json(ctx, 201, Map.of("rules", ids));
    }

    private void reload(Context ctx) {
        LoadedRules loaded = detection.rules().reload();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rules", loaded.entries().size());
        body.put("refused_files", loaded.report().refusedFiles());
        body.put("problems", loaded.report().problems());
        json(ctx, 200, body);
    }

    /**
     * Runs rules over the stored events of {@code last} (default 24h) or {@code from}/{@code to}; {@code limit} (default
     * 20, at most 200) matched events are returned.
     */
    private void trial(Context ctx, dev.kiroku.detect.sigma.RuleSet rules) {
        TrialWindow window = TrialWindow.of(ctx, detection.clock());
        json(ctx, 200, detection.trial().run(rules, window.from(), window.to(), window.limit()).toJson());
    }

    private void setEnabled(Context ctx, boolean enabled) {
        String id = ctx.pathParam("id");
        detection.rules().setEnabled(id, enabled);
        json(ctx, 200, Map.of("id", id, "enabled", enabled));
    }

    private void addException(Context ctx) {
        json(ctx, 201, view(detection.exclusions().add(exclusion(ctx))));
    }

    private void preview(Context ctx) {
        Exclusions.Preview p = detection.exclusions().preview(exclusion(ctx), PREVIEW_ALERTS);
        json(ctx, 200, Map.of("would_suppress", p.wouldSuppress(), "alerts_checked", p.checked()));
    }

    private void deleteException(Context ctx) {
        long id = Params.number(ctx.pathParam("id"), "exception id", 0);
        if (!detection.exclusions().delete(id)) throw new NotFound("no exception " + id);
        json(ctx, 200, Map.of("deleted", id));
    }

    /** {"rule_id": optional, "comment": optional, "conditions": [{"field","value","glob"}]} or one condition inline. */
    private static Exclusion exclusion(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object with 'conditions'");
        List<Exclusion.Condition> conditions = new ArrayList<>();
        if (body.has("conditions")) {
            if (!body.get("conditions").isArray()) throw new IllegalArgumentException("'conditions' must be a list");
            int i = 0;
            for (JsonNode c : body.get("conditions")) conditions.add(condition(c, "conditions[" + i++ + "]"));
        } else if (body.has("field")) {
            conditions.add(condition(body, "body"));
        }
        String rule = text(body, "rule_id");
        return new Exclusion(0, rule, conditions, text(body, "comment"), Instant.EPOCH);
    }

    private static Exclusion.Condition condition(JsonNode c, String where) {
        if (!c.isObject()) throw new IllegalArgumentException(where + " must be an object with 'field' and 'value'");
        String field = text(c, "field");
        String value = text(c, "value");
        if (field == null) throw new IllegalArgumentException(where + ": 'field' is required");
        if (value == null) throw new IllegalArgumentException(where + ": 'value' is required");
        JsonNode glob = c.get("glob");
        if (glob != null && !glob.isBoolean()) throw new IllegalArgumentException(where + ": 'glob' must be true or false");
        return new Exclusion.Condition(field, value, glob != null && glob.asBoolean());
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException("'" + name + "' must be a string");
        return v.asText();
    }

    static Map<String, Object> view(Exclusion e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("rule_id", e.ruleId());
        m.put("conditions", e.conditions());
        m.put("comment", e.comment());
        m.put("created", e.created());
        return m;
    }

    static Map<String, Object> view(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("kind", a.kind().name().toLowerCase());
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", a.rule().id());
        rule.put("title", a.rule().title());
        rule.put("level", a.rule().level());
        rule.put("status", a.rule().status());
        rule.put("techniques", a.rule().techniques());
        rule.put("tactics", a.rule().tactics());
        rule.put("references", a.rule().references());
        rule.put("author", a.rule().author());
        m.put("rule", rule);
        m.put("agent_id", a.agentId());
        m.put("host_name", a.hostName());
        m.put("process_entity_id", a.processEntityId());
        m.put("first_seen", a.firstSeen());
        m.put("last_seen", a.lastSeen());
        m.put("count", a.count());
        if (a.kind() == Alert.Kind.CORRELATION) {
            m.put("group", a.group());
            m.put("contributing_rules", a.contributingRules());
        }
        m.put("events", a.events());
        m.put("created", a.created());
        m.put("status", a.triage().status());
        m.put("assignee", a.triage().assignee());
        m.put("triaged_by", a.triage().by());
        m.put("triaged", a.triage().updated());
        return m;
    }

    private static Handler guarded(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RuleRefusedException e) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.getMessage());
                body.put("problems", e.problems());
                json(ctx, 400, body);
            } catch (NotFound | NoSuchRuleException e) {
                json(ctx, 404, Map.of("error", e.getMessage()));
            } catch (IllegalArgumentException e) {
                json(ctx, 400, Map.of("error", String.valueOf(e.getMessage())));
            }
        };
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
