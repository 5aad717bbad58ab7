package dev.kiroku.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An alert exception (allow-list entry): occurrences whose event matches every condition raise no alert.
 *
 * @param ruleId     the rule it applies to, or null for every rule
 * @param conditions all must hold
 */
public record Exclusion(long id, String ruleId, List<Condition> conditions, String comment, Instant created) {
    public Exclusion {
        if (ruleId != null && ruleId.isBlank()) ruleId = null;
        Objects.requireNonNull(conditions, "conditions");
        if (conditions.isEmpty()) throw new IllegalArgumentException("an exception needs at least one condition (field and value)");
        conditions = List.copyOf(conditions);
    }

    /**
     * One field test. Exact comparison, or with {@code glob} a pattern where {@code *} is any text and {@code ?} one
     * character. Case-sensitive (paths on Linux are). A field holding a list matches if any element does.
     */
    public record Condition(String field, String value, boolean glob) {
        public Condition {
            if (field == null || field.isBlank()) throw new IllegalArgumentException("a condition needs a field");
            if (value == null) throw new IllegalArgumentException("condition on '" + field + "' needs a value");
        }

        boolean matches(Object actual) {
            if (actual instanceof Iterable<?> list) {
                for (Object element : list) if (matches(element)) return true;
                return false;
            }
            if (actual == null) return false;
            String text = actual.toString();
            return glob ? globMatches(value, text) : value.equals(text);
        }
    }

    public boolean appliesTo(String rule) {
        return ruleId == null || ruleId.equals(rule);
    }

    /** Whether the event (its fields as the lookup resolves them) matches every condition. */
    public boolean matches(Function<String, Object> fields) {
        for (Condition c : conditions) if (!c.matches(fields.apply(c.field()))) return false;
        return true;
    }

    static boolean globMatches(String pattern, String text) {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }
}
