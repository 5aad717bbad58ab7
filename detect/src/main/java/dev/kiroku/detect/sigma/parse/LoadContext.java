package dev.kiroku.detect.sigma.parse;

import java.util.List;
import java.util.Map;

/**
 * What the parser needs from the caller's options.
 *
 * @param placeholders placeholder name (without %) -> values (Sigma strings, wildcards allowed)
 * @param broadenUnresolved if true, a test on an unresolved placeholder is replaced by whatever makes the rule
 *     fire more (true where it is required, false where it is negated); if false, such rules are refused
 */
public record LoadContext(Map<String, List<String>> placeholders, boolean broadenUnresolved) {
    public LoadContext {
        placeholders = Map.copyOf(placeholders);
    }
}
