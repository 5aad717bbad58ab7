package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.CompiledGroup;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.SigmaRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Matcher} compiled for a whole rule set: one {@link CompiledGroup} per logsource target of the mapping,
 * each with a literal prefilter and shared per-event field caches. A raw target also gets one group per class of
 * Windows event ({@link WindowsLogSources}) with only the rules whose logsource covers that class, so a Sysmon process
 * creation never reaches the prefilter of registry, PowerShell or web server rules.
 */
public final class CompiledMatcher implements Matcher {
    private final List<FieldMapping.Bound> bound;
    private final List<CompiledGroup> groups = new ArrayList<>();
    /** Per bound target: its groups by Windows event class, or null (not a raw target). */
    private final List<ClassGroups> byClass = new ArrayList<>();
    private final WindowsLogSources windows = WindowsLogSources.standard();
    private final Set<String> correlationOnly;

    /**
     * The groups of a raw target by {@link WindowsLogSources.EventClass#ordinal}: {@code groups[c]} holds the rules
     * {@code rules[c]} (indices into the target's rules, increasing); classes with the same rules share one group.
     */
    private record ClassGroups(CompiledGroup[] groups, int[][] rules) {
        static ClassGroups of(FieldMapping.Bound b, WindowsLogSources windows) {
            List<WindowsLogSources.EventClass> classes = windows.classes();
            CompiledGroup[] groups = new CompiledGroup[classes.size()];
            int[][] rules = new int[classes.size()][];
            java.util.Map<java.util.List<Integer>, Integer> shared = new java.util.HashMap<>();
            for (WindowsLogSources.EventClass c : classes) {
                List<Integer> applicable = new ArrayList<>();
                for (int r = 0; r < b.rules().size(); r++) {
                    if (windows.applies(b.rules().get(r).meta().logsource(), c)) applicable.add(r);
                }
                Integer first = shared.putIfAbsent(applicable, c.ordinal());
                if (first != null) {
                    groups[c.ordinal()] = groups[first];
                    rules[c.ordinal()] = rules[first];
                    continue;
                }
                rules[c.ordinal()] = applicable.stream().mapToInt(Integer::intValue).toArray();
                groups[c.ordinal()] = new CompiledGroup(applicable.stream().map(b.detections()::get).toList());
            }
            return new ClassGroups(groups, rules);
        }
    }

    public CompiledMatcher(RuleSet rules, FieldMapping mapping) {
        this.bound = mapping.bind(rules.rules()).bound();
        for (FieldMapping.Bound b : bound) {
            groups.add(new CompiledGroup(b.detections()));
            byClass.add(b.target().raw() ? ClassGroups.of(b, windows) : null);
        }
        this.correlationOnly = correlationOnly(rules);
    }

    /** Rules referenced by a correlation that does not ask for them to be generated on their own. */
    static Set<String> correlationOnly(RuleSet rules) {
        Set<String> only = new HashSet<>();
        Set<String> generated = new HashSet<>();
        for (Correlation c : rules.correlations()) (c.generate() ? generated : only).addAll(c.rules());
        only.removeAll(generated);
        return only;
    }

    @Override
    public List<Match> match(Document event) {
        List<Match> out = new ArrayList<>(2);
        Set<String> seen = bound.size() > 1 ? new HashSet<>() : null;
        WindowsLogSources.EventClass windowsClass = null;
        boolean classified = false;
        for (int g = 0; g < groups.size(); g++) {
            FieldMapping.Bound b = bound.get(g);
            if (!b.target().selects(event)) continue;
            List<SigmaRule> rules = b.rules();
            CompiledGroup group = groups.get(g);
            int[] ruleOf = null;
            ClassGroups classGroups = byClass.get(g);
            if (classGroups != null) {
                if (!classified) {
                    windowsClass = windows.classify(event);
                    classified = true;
                }
                if (windowsClass != null) {
                    group = classGroups.groups()[windowsClass.ordinal()];
                    ruleOf = classGroups.rules()[windowsClass.ordinal()];
                }
            }
            int[] index = ruleOf;
            group.match(event, local -> {
                SigmaRule rule = rules.get(index == null ? local : index[local]);
                if (seen == null || seen.add(rule.meta().key())) {
                    out.add(new Match(rule.meta(), !correlationOnly.contains(rule.meta().key())));
                }
            });
        }
        return out;
    }

    /** The group that evaluates the event for the first target (for the benchmark's cost budget, raw mode). */
    CompiledGroup groupOf(Document event) {
        ClassGroups classGroups = byClass.getFirst();
        WindowsLogSources.EventClass c = classGroups == null ? null : windows.classify(event);
        return c == null ? groups.getFirst() : classGroups.groups()[c.ordinal()];
    }

    /** How many rules are evaluated on every event because no required literal could be extracted. */
    public int alwaysEvaluated() {
        return groups.stream().mapToInt(CompiledGroup::alwaysEvaluated).sum();
    }
}
