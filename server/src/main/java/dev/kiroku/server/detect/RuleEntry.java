package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.model.RuleMeta;

import java.util.List;

/**
 * A loaded rule as the rules API lists it.
 *
 * @param kind   "rule" or "correlation"
 * @param source "builtin" (the kiroku-content pack) or "user" (added through the API, under the data directory)
 */
public record RuleEntry(String id, String title, String level, String status, String kind, String source, String file,
                        int line, List<String> techniques, List<String> tactics) {
    static RuleEntry of(RuleMeta meta, String kind) {
        String source = meta.file() != null && meta.file().startsWith(RuleLibrary.USER_PREFIX) ? "user" : "builtin";
        return new RuleEntry(meta.key(), meta.title(), meta.level(), meta.status(), kind, source, meta.file(), meta.line(),
                meta.techniques(), meta.tactics());
    }
}
