package dev.kiroku.server.alerts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where alerts, alert exceptions and rule state are kept. {@link JdbcAlertStore} (H2 now, PostgreSQL later).
 * Implementations are thread-safe.
 */
public interface AlertStore extends AutoCloseable {
    /** Opens a new alert for an occurrence. */
    Alert open(Occurrence occurrence);

    /** Counts another occurrence in an existing alert (count, last seen, the event while fewer than MAX_EVENTS). */
    Alert addOccurrence(long alertId, Occurrence occurrence);

    /** The most recently opened alert with this suppression key. */
    Optional<Alert> latest(String key);

    Optional<Alert> get(long id);

    List<Alert> search(AlertQuery query);

    /**
     * Counts the alerts whose last occurrence is in {@code [from, to)} per level and time bucket, and the top rules and
     * techniques, without loading the alerts.
     */
    AlertSummary summarize(java.time.Instant from, java.time.Instant to, java.time.Duration bucket, int top);

    /** Sets an alert's triage (status, assignee, who and when); empty when there is no such alert. */
    Optional<Alert> triage(long id, Triage triage);

    Exclusion addExclusion(Exclusion exclusion);

    List<Exclusion> exclusions();

    /** @return false when there was no such exception */
    boolean deleteExclusion(long id);

    /** Rule id → enabled, for the rules whose state was ever set. */
    Map<String, Boolean> ruleStates();

    void setRuleEnabled(String ruleId, boolean enabled);

    @Override
    void close();
}
