package dev.kiroku.detect.sigma.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Sigma correlation meta-rule.
 *
 * @param rules the referenced rules, resolved to rule keys ({@link RuleMeta#key()})
 * @param aliases alias name -> (referenced rule key -> field name)
 * @param conditions the comparisons the count (or sum/average) must satisfy, all of them
 * @param field the field counted by value_count, summed by value_sum, averaged by value_avg
 */
public record Correlation(
        RuleMeta meta,
        Type type,
        List<String> rules,
        List<String> groupBy,
        Duration timespan,
        Map<ValueTest.CompareOp, BigDecimal> conditions,
        String field,
        Map<String, Map<String, String>> aliases,
        boolean generate) {

    public enum Type { EVENT_COUNT, VALUE_COUNT, TEMPORAL, TEMPORAL_ORDERED, VALUE_SUM, VALUE_AVG }

    public Correlation {
        rules = List.copyOf(rules);
        groupBy = List.copyOf(groupBy);
        conditions = Map.copyOf(conditions);
        aliases = Map.copyOf(aliases);
    }
}
