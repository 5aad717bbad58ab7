package dev.kiroku.indicators.match;

import dev.kiroku.indicators.expr.Compare;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.IpRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A value an event field must have for a condition to be true: a condition is indexed by a set of
 * anchors such that it can only be TRUE for an event that hits one of them. Conditions without such a
 * set (negations, numeric comparisons, regexes without literal text) are evaluated for every event.
 */
sealed interface Anchor {
    String field();

    /** The field value equals {@code value} (lower-cased). */
    record Exact(String field, String value) implements Anchor {
    }

    /** The field value is an address in the range. */
    record Range(String field, IpRange range) implements Anchor {
    }

    /** The field value is the domain or a subdomain. */
    record Domain(String field, String domain) implements Anchor {
    }

    /** The field value contains the text (case-insensitively). */
    record Substring(String field, String text) implements Anchor {
    }

    /** Anchors for a condition, or empty when it must be evaluated for every event. */
    static Optional<List<Anchor>> of(Condition condition) {
        return switch (condition) {
            case Compare compare -> ofCompare(compare);
            case Condition.Unsupported ignored -> Optional.of(List.of()); // never TRUE: needs no event
            case Condition.Not ignored -> Optional.empty();
            case Condition.Any any -> {
                List<Anchor> all = new ArrayList<>();
                for (Condition part : any.parts()) {
                    Optional<List<Anchor>> anchors = of(part);
                    if (anchors.isEmpty()) yield Optional.empty();
                    all.addAll(anchors.get());
                }
                yield Optional.of(all);
            }
            case Condition.All all -> all.parts().stream()
                    .map(Anchor::of)
                    .flatMap(Optional::stream)
                    .min(Comparator.comparingInt(Anchor::cost));
        };
    }

    /** Fields with few distinct values: an exact anchor on them makes most events candidates. */
    java.util.Set<String> COMMON = java.util.Set.of("event.type", "event.category", "event.action", "event.outcome",
            "event.kind", "network.transport", "network.direction", "network.type", "host.os.type", "file.type",
            "file.extension", "user.name", "user.id", "user.effective.name", "group.id", "process.tty.name",
            "destination.port", "source.port");

    /** Prefer few anchors, exact ones over substrings, long substrings over short, rare fields over common ones. */
    private static int cost(List<Anchor> anchors) {
        int cost = 0;
        for (Anchor a : anchors) {
            cost += switch (a) {
                case Substring s -> Math.max(1, 8 - s.text().length()) * 4 + 2;
                case Exact e -> COMMON.contains(e.field()) ? 100 : 1;
                case Range r -> r.range().prefix() < 16 ? 50 : 1;
                case Domain d -> 1;
            };
        }
        return cost;
    }

    private static Optional<List<Anchor>> ofCompare(Compare compare) {
        List<Anchor> out = new ArrayList<>();
        String value = compare.value();
        for (String field : compare.field().ecsFields()) {
            switch (compare.operator()) {
                case IS -> out.add(new Exact(field, value.toLowerCase(Locale.ROOT)));
                case IN_CIDR -> out.add(new Range(field, IpRange.parse(value)));
                case DOMAIN_OR_SUBDOMAIN -> out.add(new Domain(field, value));
                case CONTAINS, STARTS_WITH, ENDS_WITH -> out.add(new Substring(field, value));
                case MATCHES -> {
                    Optional<List<String>> literals = RegexLiterals.required(value);
                    if (literals.isEmpty()) return Optional.empty();
                    literals.get().forEach(l -> out.add(new Substring(field, l)));
                }
                case GREATER_THAN, GREATER_OR_EQUAL, LESS_THAN, LESS_OR_EQUAL, EXISTS -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(out);
    }
}
