package dev.kiroku.detect.sigma;

import java.util.List;
import java.util.Map;

/**
 * How rules are loaded.
 *
 * @param placeholders values for {@code %name%} placeholders of the {@code expand} modifier (name without %)
 * @param broadenPlaceholders what to do with a placeholder that has no value: false refuses the rule (the Sigma
 *     specification's default); true loads it, treating the placeholder test as satisfied where the rule requires
 *     it and as never matching where the rule negates it, so the rule fires at least whenever it would for some
 *     value of the placeholder (more false positives, never a silent miss); a warning names the placeholders
 */
public record LoadOptions(Map<String, List<String>> placeholders, boolean broadenPlaceholders) {
    public LoadOptions {
        placeholders = Map.copyOf(placeholders);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Map.of(), false);
    }

    public static LoadOptions broadening() {
        return new LoadOptions(Map.of(), true);
    }
}
