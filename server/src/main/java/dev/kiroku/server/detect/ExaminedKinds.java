package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.RuleSet;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which kinds of event the loaded rules can match at all: an event whose kind no rule's logsource target selects
 * (e.g. process exits when no rule is written for {@code process_termination}) need not be turned into an ECS
 * document and run through the matcher. A kind is the payload's type with its action; its event's
 * {@code event.category}, {@code event.type}, {@code event.action}, {@code event.kind} and {@code host.os.type}
 * follow from it ({@code EcsWriter}), and the mapping's targets select on those fields only. A mapping whose
 * targets select on anything else examines every event. Decided once per kind, on its first event. Thread-safe.
 */
final class ExaminedKinds {
    /** The ECS fields that a kind fixes: targets selecting on other fields make kinds meaningless. */
    private static final Set<String> FIXED_BY_KIND = Set.of("event.category", "event.type", "event.action", "event.kind", "host.os.type");

    private final List<FieldMapping.Target> targets;
    private final boolean everything;
    private final Map<Object, Boolean> decided = new ConcurrentHashMap<>();

    /** @param mapping the mapping the matcher of {@code rules} was compiled with */
    ExaminedKinds(RuleSet rules, FieldMapping mapping) {
        this.targets = mapping.bind(rules.rules()).bound().stream()
                .filter(b -> !b.rules().isEmpty()).map(FieldMapping.Bound::target).toList();
        this.everything = targets.stream().anyMatch(t -> t.raw() || !FIXED_BY_KIND.containsAll(t.when().keySet()));
    }

    /** Whether some rule could match an event of this kind, or null when its kind is not decided yet ({@link #decide}). */
    Boolean known(Event event) {
        return everything ? Boolean.TRUE : decided.get(kind(event.payload()));
    }

    /** Decides for the event's kind from its ECS fields: does some target with rules select it? */
    boolean decide(Event event, Map<String, Object> ecs) {
        if (everything) return true;
        MapDocument document = new MapDocument(ecs);
        boolean examined = targets.stream().anyMatch(t -> t.selects(document));
        decided.putIfAbsent(kind(event.payload()), examined);
        return examined;
    }

    /** How many kinds were seen and how many of them no rule can match (for the detection's status). */
    long skippedKinds() {
        return decided.values().stream().filter(examined -> !examined).count();
    }

    private static Object kind(Payload payload) {
        return switch (payload) {
            case ProcessStart start -> List.of(ProcessStart.class, start.snapshot());
            case FileChange file -> file.action();
            case NetworkActivity network -> network.action();
            case UserActivity user -> user.action();
            default -> payload.getClass();
        };
    }
}
