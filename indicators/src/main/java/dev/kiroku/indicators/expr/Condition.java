package dev.kiroku.indicators.expr;

import java.util.List;
import java.util.Objects;

/**
 * An indicator's test over one event, as a tree: {@link All} (AND), {@link Any} (OR), {@link Not},
 * {@link Compare} (one field test) and {@link Unsupported} (a term Kiroku cannot evaluate, always
 * {@link Truth#UNKNOWN}). Every source format (OpenIOC, STIX observations, plain lists) compiles to it.
 */
public sealed interface Condition permits Condition.All, Condition.Any, Condition.Not, Compare, Condition.Unsupported {

    Truth evaluate(EventView event);

    /** Whether some event could make this condition {@link Truth#TRUE} (ignoring what the values are). */
    boolean mayBeTrue();

    /** Whether some event could make this condition {@link Truth#FALSE}. */
    boolean mayBeFalse();

    /** AND; empty is refused by the parsers (it would match everything). */
    record All(List<Condition> parts) implements Condition {
        public All {
            parts = List.copyOf(parts);
            if (parts.isEmpty()) throw new IllegalArgumentException("empty AND");
        }

        @Override
        public Truth evaluate(EventView event) {
            Truth result = Truth.TRUE;
            for (Condition part : parts) {
                result = result.and(part.evaluate(event));
                if (result == Truth.FALSE) return result;
            }
            return result;
        }

        @Override
        public boolean mayBeTrue() {
            return parts.stream().allMatch(Condition::mayBeTrue);
        }

        @Override
        public boolean mayBeFalse() {
            return parts.stream().anyMatch(Condition::mayBeFalse);
        }
    }

    /** OR. */
    record Any(List<Condition> parts) implements Condition {
        public Any {
            parts = List.copyOf(parts);
            if (parts.isEmpty()) throw new IllegalArgumentException("empty OR");
        }

        @Override
        public Truth evaluate(EventView event) {
            Truth result = Truth.FALSE;
            for (Condition part : parts) {
                result = result.or(part.evaluate(event));
                if (result == Truth.TRUE) return result;
            }
            return result;
        }

        @Override
        public boolean mayBeTrue() {
            return parts.stream().anyMatch(Condition::mayBeTrue);
        }

        @Override
        public boolean mayBeFalse() {
            return parts.stream().allMatch(Condition::mayBeFalse);
        }
    }

    record Not(Condition inner) implements Condition {
        public Not {
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public Truth evaluate(EventView event) {
            return inner.evaluate(event).not();
        }

        @Override
        public boolean mayBeTrue() {
            return inner.mayBeFalse();
        }

        @Override
        public boolean mayBeFalse() {
            return inner.mayBeTrue();
        }
    }

    /**
     * A term Kiroku cannot evaluate (no telemetry answers it, or its value is unusable): always
     * {@link Truth#UNKNOWN}, so it neither matches nor excludes.
     *
     * @param term   the term as written
     * @param reason why it cannot be evaluated
     */
    record Unsupported(String term, String reason) implements Condition {
        @Override
        public Truth evaluate(EventView event) {
            return Truth.UNKNOWN;
        }

        @Override
        public boolean mayBeTrue() {
            return false;
        }

        @Override
        public boolean mayBeFalse() {
            return false;
        }
    }

    /** Every term the condition uses that Kiroku cannot evaluate, in order, each once. */
    static List<Unsupported> unsupported(Condition condition) {
        java.util.LinkedHashSet<Unsupported> out = new java.util.LinkedHashSet<>();
        collect(condition, out);
        return List.copyOf(out);
    }

    private static void collect(Condition condition, java.util.Set<Unsupported> out) {
        switch (condition) {
            case All all -> all.parts().forEach(p -> collect(p, out));
            case Any any -> any.parts().forEach(p -> collect(p, out));
            case Not not -> collect(not.inner(), out);
            case Unsupported u -> out.add(u);
            case Compare ignored -> { }
        }
    }
}
