package dev.kiroku.investigate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.investigate.graph.EdgeKind;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.incident.ClosureReport;
import dev.kiroku.investigate.incident.ClosureReportHtml;
import dev.kiroku.investigate.incident.IncidentClosedException;
import dev.kiroku.investigate.incident.IncidentStatus;
import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.investigate.workflow.AlertRef;
import dev.kiroku.investigate.workflow.Clue;
import dev.kiroku.investigate.workflow.Investigation;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.investigate.workflow.TextReport;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The investigation REST API (docs/investigation.md): the four steps for a clue, graph walks with limits, and
 * incidents from alert to closure report. Every handler answers its errors as {@code {"error": ...}} (400 bad input,
 * 404 unknown id, 409 the incident is closed), so it works in any Javalin it is added to.
 */
public final class InvestigationRoutes {
    private static final String BASE = "/api/v1/investigate";

    private final Investigator investigator;
    private final Incidents incidents;
    private final Function<String, Optional<AlertRef>> alerts;

    /**
     * @param alerts finds an alert by its id in the server's alert store (empty when unknown)
     */
    public InvestigationRoutes(Investigator investigator, Incidents incidents, Function<String, Optional<AlertRef>> alerts) {
        this.investigator = investigator;
        this.incidents = incidents;
        this.alerts = alerts;
    }

    public void register(JavalinConfig config) {
        config.routes.get(BASE + "/ip/{ip}", guarded(ctx -> investigate(ctx, new Clue.Address(ctx.pathParam("ip"),
                (int) number(ctx.queryParam("port"), "port", 0)))));
        config.routes.get(BASE + "/domain/{domain}", guarded(ctx -> investigate(ctx, new Clue.Domain(ctx.pathParam("domain")))));
        config.routes.get(BASE + "/hash/{sha256}", guarded(ctx -> investigate(ctx, new Clue.Hash(ctx.pathParam("sha256")))));
        config.routes.get(BASE + "/file", guarded(ctx -> investigate(ctx, new Clue.File(required(ctx, "name")))));
        config.routes.get(BASE + "/alert/{id}", guarded(ctx -> {
            String id = ctx.pathParam("id");
            AlertRef alert = alerts.apply(id).orElseThrow(() -> new NoSuchElementException("no alert " + id));
            investigate(ctx, new Clue.Alert(alert));
        }));
        config.routes.post(BASE + "/alert", guarded(ctx -> investigate(ctx, new Clue.Alert(body(ctx, AlertRef.class)))));

        config.routes.get(BASE + "/graph/{entity}/ancestors", guarded(ctx ->
                json(ctx, 200, investigator.rootCause().ancestors(ctx.pathParam("entity"), limits(ctx)))));
        config.routes.get(BASE + "/graph/{entity}/rootcause", guarded(ctx ->
                json(ctx, 200, investigator.rootCause().trace(ctx.pathParam("entity"), limits(ctx)))));
        config.routes.get(BASE + "/graph/{entity}/descendants", guarded(ctx ->
                json(ctx, 200, investigator.impact().trace(ctx.pathParam("entity"), limits(ctx)))));

        config.routes.get("/api/v1/incidents", guarded(ctx -> {
            String status = ctx.queryParam("status");
            json(ctx, 200, Map.of("incidents", incidents.repository().list(status == null ? null : IncidentStatus.parse(status),
                    (int) number(ctx.queryParam("limit"), "limit", 100))));
        }));
        config.routes.post("/api/v1/incidents", guarded(ctx -> json(ctx, 201, incidents.raise(body(ctx, AlertRef.class)))));
        config.routes.get("/api/v1/incidents/{id}", guarded(ctx -> json(ctx, 200, incidents.get(id(ctx)))));
        config.routes.post("/api/v1/incidents/{id}/status", guarded(ctx -> {
            long id = id(ctx);
            incidents.repository().setStatus(id, IncidentStatus.parse(field(ctx, "status")));
            json(ctx, 200, incidents.get(id));
        }));
        config.routes.post("/api/v1/incidents/{id}/assignee", guarded(ctx -> {
            long id = id(ctx);
            incidents.repository().setAssignee(id, optionalField(ctx, "assignee"));
            json(ctx, 200, incidents.get(id));
        }));
        config.routes.post("/api/v1/incidents/{id}/notes", guarded(ctx ->
                json(ctx, 201, incidents.repository().addNote(id(ctx), optionalField(ctx, "author"), field(ctx, "text")))));
        config.routes.post("/api/v1/incidents/{id}/actions", guarded(ctx -> {
            JsonNode b = tree(ctx);
            json(ctx, 201, incidents.repository().addAction(id(ctx), text(b, "action"), text(b, "target"), text(b, "agent_id"),
                    text(b, "actor"), text(b, "outcome")));
        }));
        config.routes.get("/api/v1/incidents/{id}/timeline", guarded(ctx -> json(ctx, 200, Map.of("timeline", incidents.timeline(id(ctx))))));
        config.routes.get("/api/v1/incidents/{id}/indicators", guarded(ctx -> json(ctx, 200, incidents.indicators(id(ctx)))));
        config.routes.post("/api/v1/incidents/{id}/close", guarded(ctx -> {
            JsonNode b = tree(ctx);
            report(ctx, incidents.close(id(ctx), text(b, "root_cause"), text(b, "scope")));
        }));
        config.routes.get("/api/v1/incidents/{id}/report", guarded(ctx -> report(ctx, incidents.report(id(ctx)))));
    }

    private void investigate(Context ctx, Clue clue) {
        Window window = new Window(instant(ctx, "from"), instant(ctx, "to"));
        Investigation result = investigator.investigate(clue, window);
        if ("text".equals(ctx.queryParam("format"))) rendered(ctx, "text/plain", TextReport.render(result));
        else json(ctx, 200, result);
    }

    private static void report(Context ctx, ClosureReport report) {
        if ("html".equals(ctx.queryParam("format"))) rendered(ctx, "text/html", ClosureReportHtml.render(report));
        else json(ctx, 200, report);
    }

    /** A rendered document as itself, or with {@code envelope=json} as {"content": ...} for clients that read only JSON. */
    private static void rendered(Context ctx, String type, String content) {
        if ("json".equals(ctx.queryParam("envelope"))) json(ctx, 200, Map.of("content_type", type, "content", content));
        else ctx.status(200).contentType(type + "; charset=utf-8").result(content);
    }

    /** Limits from query parameters: depth, max_nodes, max_children, window (forward, e.g. 2h), edges (comma list). */
    private TrackingLimits limits(Context ctx) {
        TrackingLimits l = investigator.limits();
        String depth = ctx.queryParam("depth");
        if (depth != null) l = l.withMaxDepth((int) number(depth, "depth", 0));
        String nodes = ctx.queryParam("max_nodes");
        if (nodes != null) l = l.withMaxNodes((int) number(nodes, "max_nodes", 0));
        String children = ctx.queryParam("max_children");
        if (children != null) l = l.withMaxChildren((int) number(children, "max_children", 0));
        String window = ctx.queryParam("window");
        if (window != null) l = l.withForwardWindow(duration(window));
        String edges = ctx.queryParam("edges");
        if (edges != null) {
            Set<EdgeKind> kinds = EnumSet.noneOf(EdgeKind.class);
            for (String e : edges.split(",")) {
                try {
                    kinds.add(EdgeKind.valueOf(e.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("unknown edge kind '" + e.trim() + "'; known: "
                            + EnumSet.allOf(EdgeKind.class).toString().toLowerCase(Locale.ROOT));
                }
            }
            l = l.withEdges(kinds);
        }
        return l;
    }

    static Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("window must look like 30s, 15m, 2h or 7d but is '" + text + "'");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static <T> T body(Context ctx, Class<T> type) {
        try {
            T value = InvestigationJson.mapper().readValue(ctx.body(), type);
            if (value == null) throw new IllegalArgumentException("the body must be a JSON object");
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    private static JsonNode tree(Context ctx) {
        try {
            JsonNode b = InvestigationJson.mapper().readTree(ctx.body());
            if (b == null || !b.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
            return b;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String field(Context ctx, String name) {
        String v = text(tree(ctx), name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("'" + name + "' is required");
        return v;
    }

    private static String optionalField(Context ctx, String name) {
        return text(tree(ctx), name);
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException("'" + name + "' must be a string");
        return v.asText();
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("query parameter '" + name + "' is required");
        return v;
    }

    private static long id(Context ctx) {
        return number(ctx.pathParam("id"), "incident id", -1);
    }

    private static Instant instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not an ISO-8601 instant: " + value);
        }
    }

    private static long number(String value, String name, long absent) {
        if (value == null || value.isBlank()) return absent;
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value);
        }
    }

    private static Handler guarded(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (NoSuchElementException e) {
                json(ctx, 404, Map.of("error", String.valueOf(e.getMessage())));
            } catch (IncidentClosedException e) {
                json(ctx, 409, Map.of("error", String.valueOf(e.getMessage())));
            } catch (IllegalArgumentException e) {
                json(ctx, 400, Map.of("error", String.valueOf(e.getMessage())));
            }
        };
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(InvestigationJson.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
