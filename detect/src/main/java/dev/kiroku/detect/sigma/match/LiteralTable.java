package dev.kiroku.detect.sigma.match;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the lower-case literals of a rule group per field, so that one Aho-Corasick pass over a field's values
 * tells every rule literal of that field whether it occurs: the prefilter's required literals and the literals of
 * the compiled comparisons share one id space.
 */
final class LiteralTable {
    private final Map<String, Map<String, Integer>> byField = new LinkedHashMap<>();
    private final java.util.Set<String> requiredKeywords;
    private boolean everyKeyword;
    private int count;

    /** @param requiredKeywords the keyword literals that some rule requires: the others are not scanned for */
    LiteralTable(java.util.Set<String> requiredKeywords) {
        this.requiredKeywords = requiredKeywords;
    }

    /** While compiling a rule without required literals (evaluated on every event): scan for all of its keywords. */
    void scanEveryKeyword(boolean every) {
        this.everyKeyword = every;
    }

    /** The id of {@code lowered} in {@code field}, assigned on first use. */
    int id(String field, String lowered) {
        return byField.computeIfAbsent(field, k -> new LinkedHashMap<>()).computeIfAbsent(lowered, k -> count++);
    }

    /**
     * The id of a comparison literal, or -1 when it is too short to be worth scanning for, or a keyword that no rule
     * requires (outside a rule evaluated on every event).
     */
    int comparisonId(String field, String lowered) {
        if (lowered.length() < Literals.MIN_LENGTH) return -1;
        if (field.equals(Literals.ANY_VALUE) && !everyKeyword && !requiredKeywords.contains(lowered)) return -1;
        return id(field, lowered);
    }

    int size() {
        return count;
    }

    /** Fields with at least one literal, in first-use order. */
    Iterable<String> fields() {
        return byField.keySet();
    }

    /** The field's literals in id order, and their ids. */
    List<String> patterns(String field) {
        return new ArrayList<>(byField.getOrDefault(field, Map.of()).keySet());
    }

    int[] ids(String field) {
        return byField.getOrDefault(field, Map.of()).values().stream().mapToInt(Integer::intValue).toArray();
    }
}
