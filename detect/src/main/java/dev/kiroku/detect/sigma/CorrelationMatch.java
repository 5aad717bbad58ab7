package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.RuleMeta;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A correlation rule that fired.
 *
 * @param group the group-by field values of the events correlated
 * @param value the count (events, distinct values or rules), sum or average that met the condition
 * @param rules the keys of the rules whose matches took part, in order of arrival
 */
public record CorrelationMatch(RuleMeta rule, Correlation.Type type, Map<String, String> group, Instant first, Instant last,
                               double value, List<String> rules) {
    public CorrelationMatch {
        group = Map.copyOf(group);
        rules = List.copyOf(rules);
    }

    public String ruleId() {
        return rule.key();
    }
}
