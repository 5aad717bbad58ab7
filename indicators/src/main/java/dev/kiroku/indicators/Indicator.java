package dev.kiroku.indicators;

import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.SequencePattern;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One indicator of compromise, whatever format it came from.
 *
 * <p>Every indicator has a {@link Condition} over one event's ECS fields: a plain-list hash is
 * {@code process.hash.sha256 is …}, an OpenIOC file its whole indicator tree, a STIX pattern its
 * comparison expressions. STIX patterns that relate several events (FOLLOWEDBY, REPEATS, AND of
 * observations) also carry a {@link SequencePattern}; their condition is then the OR of the
 * observations (any event that could take part).
 *
 * @param id          stable identifier (OpenIOC/STIX id, or derived from the source and value)
 * @param source      where it came from
 * @param type        what kind of indicator
 * @param value       the single value (hash, address, domain, …) or the expression as written (STIX
 *                    pattern); null for OpenIOC trees
 * @param condition   the test over one event
 * @param sequence    for multi-event STIX patterns, how observations combine; otherwise null
 * @param action      what a hit does
 * @param expires     when it stops being matched; null for never
 * @param tags        ATT&amp;CK techniques, campaigns, threat groups, categories
 * @param description human description
 */
public record Indicator(String id, IndicatorSource source, IndicatorType type, String value, Condition condition,
                        SequencePattern sequence, IndicatorAction action, Instant expires, List<String> tags,
                        String description) {
    public Indicator {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(condition, "condition");
        action = action == null ? IndicatorAction.ALERT : action;
        tags = tags == null ? List.of() : List.copyOf(tags);
        description = description == null ? "" : description;
    }

    /** A single-event indicator with the default action (alert), no expiry. */
    public static Indicator of(String id, IndicatorSource source, IndicatorType type, String value, Condition condition,
                               List<String> tags, String description) {
        return new Indicator(id, source, type, value, condition, null, IndicatorAction.ALERT, null, tags, description);
    }

    /** The terms this indicator uses that Kiroku cannot evaluate, with the reasons. */
    public List<Condition.Unsupported> unsupportedTerms() {
        return Condition.unsupported(condition);
    }

    /**
     * Whether some event can match it. False when every way to satisfy the indicator goes through
     * terms Kiroku cannot evaluate: such an indicator is not loaded live ({@link #notEvaluableReason()}).
     */
    public boolean evaluable() {
        return sequence == null ? condition.mayBeTrue() : sequence.mayComplete();
    }

    /** Why it cannot match any event, or null when it can. */
    public String notEvaluableReason() {
        if (evaluable()) return null;
        List<Condition.Unsupported> terms = unsupportedTerms();
        if (terms.isEmpty()) return "the condition can never be true";
        StringBuilder why = new StringBuilder("every branch needs a term Kiroku cannot evaluate: ");
        for (int i = 0; i < terms.size(); i++) {
            if (i > 0) why.append("; ");
            why.append(terms.get(i).term()).append(" (").append(terms.get(i).reason()).append(')');
        }
        return why.toString();
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    public Indicator withAction(IndicatorAction newAction) {
        return new Indicator(id, source, type, value, condition, sequence, newAction, expires, tags, description);
    }

    public Indicator withExpiry(Instant newExpiry) {
        return new Indicator(id, source, type, value, condition, sequence, action, newExpiry, tags, description);
    }
}
