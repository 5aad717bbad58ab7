package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.CompiledGroup;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.SigmaRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Matcher} compiled for a whole rule set: one {@link CompiledGroup} per logsource target of the mapping,
 * each with a literal prefilter and shared per-event field caches.
 */
public final class CompiledMatcher implements Matcher {
    private final List<FieldMapping.Bound> bound;
    private final List<CompiledGroup> groups = new ArrayList<>();
    private final Set<String> correlationOnly;

    public CompiledMatcher(RuleSet rules, FieldMapping mapping) {
        this.bound = mapping.bind(rules.rules()).bound();
        for (FieldMapping.Bound b : bound) groups.add(new CompiledGroup(b.detections()));
        this.correlationOnly = correlationOnly(rules);
    }

    /** Rules referenced by a correlation that does not ask for them to be generated on their own. */
    static Set<String> correlationOnly(RuleSet rules) {
        Set<String> only = new HashSet<>();
        Set<String> generated = new HashSet<>();
        for (Correlation c : rules.correlations()) (c.generate() ? generated : only).addAll(c.rules());
        only.removeAll(generated);
        return only;
    }

    @Override
    public List<Match> match(Document event) {
        List<Match> out = new ArrayList<>(2);
        Set<String> seen = bound.size() > 1 ? new HashSet<>() : null;
        for (int g = 0; g < groups.size(); g++) {
            FieldMapping.Bound b = bound.get(g);
            if (!b.target().selects(event)) continue;
            List<SigmaRule> rules = b.rules();
            groups.get(g).match(event, r -> {
                SigmaRule rule = rules.get(r);
                if (seen == null || seen.add(rule.meta().key())) {
                    out.add(new Match(rule.meta(), !correlationOnly.contains(rule.meta().key())));
                }
            });
        }
        return out;
    }

    /** How many rules are evaluated on every event because no required literal could be extracted. */
    public int alwaysEvaluated() {
        return groups.stream().mapToInt(CompiledGroup::alwaysEvaluated).sum();
    }
}
