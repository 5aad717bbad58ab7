package dev.kiroku.server.response.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.server.api.Params;
import dev.kiroku.server.auth.Authentication;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The response policy REST API (docs/api.md): {@code GET/POST /api/v1/response/policies},
 * {@code PUT/DELETE /api/v1/response/policies/{id}}, and the record of automatic actions at
 * {@code GET /api/v1/response/policy-runs}. Every change is in the audit trail.
 */
public final class ResponsePolicyRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** Writes an audit entry: actor, action, detail. */
    @FunctionalInterface
    public interface Audit {
        void record(String actor, String action, String detail);
    }

    private final ResponsePolicies policies;
    private final Audit audit;

    public ResponsePolicyRoutes(ResponsePolicies policies, Audit audit) {
        this.policies = policies;
        this.audit = audit;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/response/policies", ctx -> json(ctx, 200,
                Map.of("policies", policies.list().stream().map(ResponsePolicy::toJson).toList())));
        config.routes.post("/api/v1/response/policies", ctx -> {
            ResponsePolicy policy = ResponsePolicy.fromJson(UUID.randomUUID().toString(), body(ctx));
            policies.put(policy);
            audit.record(Authentication.user(ctx), "response.policy.create", policy.id() + " " + policy.name());
            json(ctx, 201, policy.toJson());
        });
        config.routes.put("/api/v1/response/policies/{id}", ctx -> {
            String id = ctx.pathParam("id");
            if (policies.get(id).isEmpty()) {
                json(ctx, 404, Map.of("error", "no response policy " + id));
                return;
            }
            ResponsePolicy policy = ResponsePolicy.fromJson(id, body(ctx));
            policies.put(policy);
            audit.record(Authentication.user(ctx), "response.policy.update", id + " " + policy.name());
            json(ctx, 200, policy.toJson());
        });
        config.routes.delete("/api/v1/response/policies/{id}", ctx -> {
            String id = ctx.pathParam("id");
            if (!policies.delete(id)) {
                json(ctx, 404, Map.of("error", "no response policy " + id));
                return;
            }
            audit.record(Authentication.user(ctx), "response.policy.delete", id);
            json(ctx, 200, Map.of("deleted", id));
        });
        config.routes.get("/api/v1/response/policy-runs", ctx -> {
            Long alert = ctx.queryParam("alert_id") == null ? null : Params.number(ctx.queryParam("alert_id"), "alert_id", 0);
            int limit = ctx.queryParam("limit") == null ? 100 : (int) Math.min(1000, Params.number(ctx.queryParam("limit"), "limit", 100));
            json(ctx, 200, Map.of("runs", policies.runs(alert, limit).stream().map(ResponsePolicyRoutes::run).toList()));
        });
    }

    private static Map<String, Object> run(ResponsePolicies.Run r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("at", r.at().toString());
        out.put("policy_id", r.policyId());
        out.put("actor", r.actor());
        out.put("alert_id", r.alertId());
        out.put("agent_id", r.agentId());
        out.put("action", r.action());
        out.put("target", r.target());
        out.put("dry_run", r.dryRun());
        out.put("outcome", r.outcome());
        out.put("detail", r.detail());
        return out;
    }

    private static JsonNode body(Context ctx) {
        try {
            return JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
