package dev.kiroku.server.alerts;

import java.time.Instant;

/**
 * Which alerts to list, newest (last seen) first. Null fields do not filter.
 *
 * @param status the rule's status (experimental, test, stable …)
 * @param triage the alert's triage status (open, acknowledged, false_positive, resolved)
 * @param from   alerts last seen at or after
 * @param to     alerts first seen before
 */
public record AlertQuery(String ruleId, String level, String hostName, String agentId, String status, String triage,
                         Instant from, Instant to, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public AlertQuery {
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", not " + limit);
    }

    public static AlertQuery all(int limit) {
        return new AlertQuery(null, null, null, null, null, null, null, null, limit);
    }
}
