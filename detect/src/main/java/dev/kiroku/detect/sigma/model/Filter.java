package dev.kiroku.detect.sigma.model;

import java.util.List;

/** A Sigma global filter: matching events are removed from the referenced rules' matches. */
public record Filter(RuleMeta meta, List<String> rules, Expr expr) {
    public Filter {
        rules = List.copyOf(rules);
    }
}
