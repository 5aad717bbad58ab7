package dev.kiroku.server.alerts;

import dev.kiroku.detect.sigma.model.RuleMeta;

import java.util.List;

/** The rule metadata an alert carries: enough to triage without looking the rule up. */
public record RuleInfo(String id, String title, String level, String status, List<String> techniques,
                       List<String> tactics, List<String> references, String author) {
    public RuleInfo {
        techniques = techniques == null ? List.of() : List.copyOf(techniques);
        tactics = tactics == null ? List.of() : List.copyOf(tactics);
        references = references == null ? List.of() : List.copyOf(references);
    }

    public static RuleInfo of(RuleMeta meta) {
        return new RuleInfo(meta.key(), meta.title(), meta.level(), meta.status(), meta.techniques(), meta.tactics(),
                meta.references(), meta.author());
    }
}
