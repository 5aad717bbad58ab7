package dev.kiroku.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A detection that needs a look: a rule (or correlation) that matched, where, and on what. Repeats of the same
 * rule on the same endpoint and process within the suppression window are counted here rather than raised again.
 *
 * @param events  the matching events' ECS maps, the first {@link #MAX_EVENTS} occurrences
 * @param count   how many occurrences this alert stands for
 */
public record Alert(long id, Kind kind, RuleInfo rule, String agentId, String hostName, String processEntityId,
                    Instant firstSeen, Instant lastSeen, long count, List<Map<String, Object>> events,
                    Map<String, String> group, List<String> contributingRules, Instant created, Triage triage) {
    /** Events kept per alert; later occurrences only raise the count and last seen. */
    public static final int MAX_EVENTS = 10;

    public enum Kind { RULE, CORRELATION }

    public Alert {
        events = List.copyOf(events);
        group = Map.copyOf(group);
        contributingRules = List.copyOf(contributingRules);
        triage = triage == null ? Triage.OPEN : triage;
    }
}
