package dev.kiroku.content;

import dev.kiroku.detect.sigma.CorrelationMatch;
import dev.kiroku.detect.sigma.Correlator;
import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Feeds events through the detection matcher and the correlation stage, as the product does: every rule match
 * (standalone or building block) with its event time goes to the {@link Correlator}; windows are flushed at the end.
 */
final class CorrelationRunner {
    private CorrelationRunner() {
    }

    /** True if the correlation with the given key fired on the events. */
    static boolean fires(RuleSet rules, FieldMapping mapping, String correlationKey, List<Map<String, Object>> events) {
        return run(rules, mapping, events).stream().anyMatch(c -> c.ruleId().equals(correlationKey));
    }

    /** Every correlation alert raised over the events, as text. */
    static List<String> replay(RuleSet rules, FieldMapping mapping, List<Map<String, Object>> events) {
        return run(rules, mapping, events).stream()
                .map(c -> c.rule().title() + " <- group " + c.group() + " value " + c.value()).toList();
    }

    private static List<CorrelationMatch> run(RuleSet rules, FieldMapping mapping, List<Map<String, Object>> events) {
        Matcher matcher = Matcher.compiled(rules, mapping);
        Correlator correlator = new Correlator(rules.correlations(), Correlator.Limits.defaults());
        List<CorrelationMatch> out = new ArrayList<>();
        for (Map<String, Object> ev : events) {
            MapDocument doc = new MapDocument(ev);
            Object ts = ev.get("@timestamp");
            if (ts == null) throw new IllegalArgumentException("correlation test events need @timestamp: " + ev);
            Instant time = Instant.parse(String.valueOf(ts));
            for (Match m : matcher.match(doc)) out.addAll(correlator.accept(m, doc, time));
        }
        out.addAll(correlator.flush());
        return out;
    }
}
