package dev.kiroku.detect.sigma.model;

import java.util.List;

/**
 * A loaded detection rule.
 *
 * @param detection the whole condition, with global filters already applied
 * @param warnings things the loader changed or assumed (e.g. unresolved placeholders)
 */
public record SigmaRule(RuleMeta meta, Expr detection, List<String> warnings) {
    public SigmaRule {
        warnings = List.copyOf(warnings);
    }

    public SigmaRule withDetection(Expr newDetection) {
        return new SigmaRule(meta, newDetection, warnings);
    }
}
