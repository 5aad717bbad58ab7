package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.Filter;
import dev.kiroku.detect.sigma.model.SigmaRule;
import java.util.List;

/**
 * Loaded rules: detection rules (global filters already folded into them), correlations with their rule
 * references resolved to rule keys, and the filters that were applied.
 */
public record RuleSet(List<SigmaRule> rules, List<Correlation> correlations, List<Filter> filters) {
    public RuleSet {
        rules = List.copyOf(rules);
        correlations = List.copyOf(correlations);
        filters = List.copyOf(filters);
    }

    public int size() {
        return rules.size() + correlations.size();
    }
}
