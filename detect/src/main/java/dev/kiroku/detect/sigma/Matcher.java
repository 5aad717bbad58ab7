package dev.kiroku.detect.sigma;

import java.util.List;

/** Evaluates a rule set on one event at a time. Implementations are thread-safe. */
public interface Matcher {
    /** The rules that match the event, in rule-set order, each once. */
    List<Match> match(Document event);

    /** The compiled matcher for events with the rules' own field names (imported logs): logsources are not checked. */
    static Matcher raw(RuleSet rules) {
        return new CompiledMatcher(rules, FieldMapping.raw());
    }

    /** The compiled matcher through a field mapping (e.g. {@link FieldMapping#kiroku()} for Kiroku's ECS events). */
    static Matcher compiled(RuleSet rules, FieldMapping mapping) {
        return new CompiledMatcher(rules, mapping);
    }

    /** The reference evaluator: rule by rule, no sharing. Slow; for tests and benchmarks. */
    static Matcher oracle(RuleSet rules, FieldMapping mapping) {
        return new OracleMatcher(rules, mapping);
    }
}
