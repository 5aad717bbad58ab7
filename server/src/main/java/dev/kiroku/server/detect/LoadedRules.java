package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.LoadReport;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.RuleSet;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One compiled generation of the rules: swapped whole on reload, so the detection thread never sees a mix. */
public record LoadedRules(RuleSet ruleSet, Matcher matcher, LoadReport report, Map<String, RuleEntry> entries, Instant loaded) {
    public LoadedRules {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
}
