package dev.kiroku.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One firing of a rule or correlation, before suppression decides whether it opens an alert or is counted in one.
 *
 * @param key       what makes two occurrences "the same" for suppression (rule, endpoint, process or group)
 * @param time      the event time of the occurrence
 * @param event     the matching event's ECS map (for correlations, the event that completed it)
 * @param group     the correlation's group-by values; empty for single-rule alerts
 * @param rules     the rules whose matches took part in a correlation; empty for single-rule alerts
 */
public record Occurrence(Alert.Kind kind, RuleInfo rule, String key, String agentId, String hostName,
                         String processEntityId, Instant time, Map<String, Object> event,
                         Map<String, String> group, List<String> rules) {
    public Occurrence {
        group = group == null ? Map.of() : Map.copyOf(group);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
