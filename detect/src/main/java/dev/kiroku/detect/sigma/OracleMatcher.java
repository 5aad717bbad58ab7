package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.Oracle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Matcher} that evaluates every applicable rule on its own with the {@link Oracle} (in raw mode, the rules
 * whose logsource covers a Windows event's class: {@link WindowsLogSources}).
 */
public final class OracleMatcher implements Matcher {
    private final List<FieldMapping.Bound> bound;
    private final java.util.Set<String> correlationOnly;

    public OracleMatcher(RuleSet rules, FieldMapping mapping) {
        this.bound = mapping.bind(rules.rules()).bound();
        this.correlationOnly = CompiledMatcher.correlationOnly(rules);
    }

    @Override
    public List<Match> match(Document event) {
        Map<String, Match> out = new LinkedHashMap<>();
        WindowsLogSources windows = WindowsLogSources.standard();
        WindowsLogSources.EventClass windowsClass = windows.classify(event);
        for (FieldMapping.Bound b : bound) {
            if (!b.target().selects(event)) continue;
            for (int i = 0; i < b.rules().size(); i++) {
                var rule = b.rules().get(i);
                if (out.containsKey(rule.meta().key())) continue;
                if (b.target().raw() && !windows.applies(rule.meta().logsource(), windowsClass)) continue;
                if (Oracle.matches(b.detections().get(i), event)) {
                    out.put(rule.meta().key(), new Match(rule.meta(), !correlationOnly.contains(rule.meta().key())));
                }
            }
        }
        return new ArrayList<>(out.values());
    }
}
