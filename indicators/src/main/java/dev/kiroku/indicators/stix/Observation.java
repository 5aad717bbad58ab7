package dev.kiroku.indicators.stix;

import dev.kiroku.indicators.expr.Condition;

import java.time.Instant;
import java.util.List;

/** A STIX observation expression, the structure above the bracketed comparison expressions. */
sealed interface Observation {

    /** {@code [comparison]}: one event satisfying the condition; {@code index} is its place among all leaves. */
    record Leaf(Condition condition, int index) implements Observation {
    }

    record Or(List<Observation> parts) implements Observation {
    }

    record And(List<Observation> parts) implements Observation {
    }

    record FollowedBy(List<Observation> parts) implements Observation {
    }

    record Within(Observation inner, double seconds) implements Observation {
    }

    record Repeats(Observation inner, int times) implements Observation {
    }

    record StartStop(Observation inner, Instant start, Instant stop) implements Observation {
    }

    /** Whether one event alone decides it (leaves joined only by OR). */
    static boolean singleEvent(Observation o) {
        return switch (o) {
            case Leaf ignored -> true;
            case Or or -> or.parts().stream().allMatch(Observation::singleEvent);
            default -> false;
        };
    }
}
