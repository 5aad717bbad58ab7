package dev.kiroku.server.detect;

/** A rule id that no loaded rule has. */
public final class NoSuchRuleException extends RuntimeException {
    NoSuchRuleException(String id) {
        super("no loaded rule has id '" + id + "' (list them with GET /api/v1/rules)");
    }
}
