package dev.kiroku.server.response.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.server.alerts.Alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An automatic response: when an alert matches {@link Conditions}, run {@link #actions} on its endpoint, or in
 * dry-run mode only record what would have been done. Read from and written as the JSON of docs/api.md
 * ({@code id, name, enabled, dry_run, conditions{rule_ids, min_level, tags, endpoints}, actions}).
 */
public record ResponsePolicy(String id, String name, boolean enabled, boolean dryRun, Conditions conditions, List<String> actions) {
    public static final String KILL_TREE = "kill_tree";
    public static final String QUARANTINE_FILE = "quarantine_file";
    public static final String ISOLATE = "isolate";
    public static final String BLOCK_HASH = "block_hash";
    /** Collect the file from the endpoint and submit it to the sandbox. */
    public static final String ANALYZE_FILE = "analyze_file";
    public static final List<String> ACTIONS = List.of(KILL_TREE, QUARANTINE_FILE, ISOLATE, BLOCK_HASH, ANALYZE_FILE);
    /** Sigma levels, lowest first. */
    public static final List<String> LEVELS = List.of("informational", "low", "medium", "high", "critical");

    public ResponsePolicy {
        actions = List.copyOf(actions);
    }

    /**
     * What an alert must have; empty lists match anything.
     *
     * @param ruleIds   the alert's rule id is one of these
     * @param minLevel  the alert's level is at least this one (null: any)
     * @param tags      the rule carries one of these tags (ATT&CK technique or tactic, with or without "attack.")
     * @param endpoints the alert's endpoint is one of these: an agent id, {@code group:<name>} or {@code host:<name>}
     */
    public record Conditions(List<String> ruleIds, String minLevel, List<String> tags, List<String> endpoints) {
        public Conditions {
            ruleIds = List.copyOf(ruleIds);
            tags = List.copyOf(tags);
            endpoints = List.copyOf(endpoints);
        }
    }

    /** True when the alert, raised on an endpoint of {@code endpointGroup} (null when unknown), meets every condition. */
    public boolean matches(Alert alert, String endpointGroup) {
        if (!conditions.ruleIds.isEmpty() && !conditions.ruleIds.contains(alert.rule().id())) return false;
        if (conditions.minLevel != null && LEVELS.indexOf(level(alert.rule().level())) < LEVELS.indexOf(conditions.minLevel)) {
            return false;
        }
        if (!conditions.tags.isEmpty()) {
            List<String> ruleTags = new ArrayList<>();
            alert.rule().techniques().forEach(t -> ruleTags.add(tag(t)));
            alert.rule().tactics().forEach(t -> ruleTags.add(tag(t)));
            if (conditions.tags.stream().map(ResponsePolicy::tag).noneMatch(ruleTags::contains)) return false;
        }
        if (!conditions.endpoints.isEmpty()) {
            return conditions.endpoints.stream().anyMatch(e -> e.equals(alert.agentId())
                    || e.equals("group:" + endpointGroup) || e.equalsIgnoreCase("host:" + alert.hostName()));
        }
        return true;
    }

    private static String level(String level) {
        return level == null ? "informational" : level.toLowerCase(Locale.ROOT);
    }

    private static String tag(String tag) {
        String t = tag.toLowerCase(Locale.ROOT).strip();
        return t.startsWith("attack.") ? t.substring(7) : t;
    }

    /** The policy as the API shows it. */
    public Map<String, Object> toJson() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("rule_ids", conditions.ruleIds);
        c.put("min_level", conditions.minLevel);
        c.put("tags", conditions.tags);
        c.put("endpoints", conditions.endpoints);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("enabled", enabled);
        out.put("dry_run", dryRun);
        out.put("conditions", c);
        out.put("actions", actions);
        return out;
    }

    /**
     * Reads a policy from the API's JSON, with {@code id} given by the caller; every problem is named with its field.
     *
     * @throws IllegalArgumentException listing every invalid field
     */
    public static ResponsePolicy fromJson(String id, JsonNode body) {
        if (body == null || !body.isObject()) throw new IllegalArgumentException("a response policy must be a JSON object");
        List<String> problems = new ArrayList<>();
        String name = body.path("name").asText("").strip();
        if (name.isEmpty() || name.length() > 200) problems.add("'name' must be 1 to 200 characters");
        boolean enabled = bool(body, "enabled", true, problems);
        boolean dryRun = bool(body, "dry_run", false, problems);
        JsonNode c = body.path("conditions");
        if (!c.isMissingNode() && !c.isObject()) problems.add("'conditions' must be an object");
        String minLevel = c.path("min_level").isMissingNode() || c.path("min_level").isNull() ? null
                : c.path("min_level").asText().toLowerCase(Locale.ROOT);
        if (minLevel != null && !LEVELS.contains(minLevel)) problems.add("'conditions.min_level' must be one of " + LEVELS + ", not '" + minLevel + "'");
        Conditions conditions = new Conditions(strings(c, "rule_ids", "conditions.", problems), minLevel,
                strings(c, "tags", "conditions.", problems), strings(c, "endpoints", "conditions.", problems));
        List<String> actions = strings(body, "actions", "", problems);
        if (actions.isEmpty()) problems.add("'actions' must name at least one of " + ACTIONS);
        for (String action : actions) {
            if (!ACTIONS.contains(action)) problems.add("'actions' has '" + action + "'; actions are " + ACTIONS);
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("invalid response policy: " + String.join("; ", problems));
        return new ResponsePolicy(id, name, enabled, dryRun, conditions, actions.stream().distinct().toList());
    }

    private static boolean bool(JsonNode body, String field, boolean otherwise, List<String> problems) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) return otherwise;
        if (!v.isBoolean()) problems.add("'" + field + "' must be true or false");
        return v.asBoolean(otherwise);
    }

    private static List<String> strings(JsonNode parent, String field, String prefix, List<String> problems) {
        JsonNode v = parent.path(field);
        if (v.isMissingNode() || v.isNull()) return List.of();
        if (!v.isArray()) {
            problems.add("'" + prefix + field + "' must be an array of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank()) problems.add("'" + prefix + field + "' holds a non-string or empty item");
            else out.add(item.asText().strip());
        }
        return out;
    }
}
