package dev.kiroku.server.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alerts counted by the database rather than by the client: per severity level in equal time buckets, the rules and
 * ATT&CK techniques that fired most. An alert counts in the bucket of its last occurrence.
 *
 * @param buckets    one per bucket from {@code from}, oldest first; levels without alerts are absent
 * @param totals     level → alerts in the window
 * @param topRules   the rules with most alerts, most first
 * @param techniques technique id (lower case, e.g. {@code attack.t1059}) → alerts in the window, most first
 */
public record AlertSummary(Instant from, Instant to, Duration bucket, List<Bucket> buckets, Map<String, Long> totals,
                           List<RuleCount> topRules, Map<String, Long> techniques) {

    /** Alerts per level whose last occurrence falls in {@code [start, start + bucket)}. */
    public record Bucket(Instant start, Map<String, Long> levels) {
    }

    public record RuleCount(String id, String title, String level, long alerts) {
    }
}
