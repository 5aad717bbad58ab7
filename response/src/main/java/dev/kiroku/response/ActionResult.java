package dev.kiroku.response;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The real outcome of one action on one target, serialisable to JSON as it stands (records with
 * strings, an enum, an instant and a map of strings, numbers and lists).
 *
 * @param action the action name, e.g. {@code isolate}
 * @param target what it acted on (a path, an entity id, {@code endpoint}, a hash)
 * @param outcome done, already in that state, or failed
 * @param detail one human sentence: what happened or why it failed
 * @param data structured facts (hash, size, pids, quarantine id...), never null
 * @param at when the action finished
 */
public record ActionResult(String action, String target, Outcome outcome, String detail, Map<String, Object> data,
                           Instant at) {

    public ActionResult {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        at = at == null ? Instant.now() : at;
    }

    public static ActionResult done(String action, String target, String detail, Map<String, Object> data) {
        return new ActionResult(action, target, Outcome.DONE, detail, data, null);
    }

    public static ActionResult done(String action, String target, String detail) {
        return done(action, target, detail, Map.of());
    }

    public static ActionResult already(String action, String target, String detail) {
        return new ActionResult(action, target, Outcome.ALREADY, detail, Map.of(), null);
    }

    public static ActionResult already(String action, String target, String detail, Map<String, Object> data) {
        return new ActionResult(action, target, Outcome.ALREADY, detail, data, null);
    }

    public static ActionResult failed(String action, String target, String reason) {
        return new ActionResult(action, target, Outcome.FAILED, reason, Map.of(), null);
    }

    public boolean succeeded() {
        return outcome != Outcome.FAILED;
    }
}
