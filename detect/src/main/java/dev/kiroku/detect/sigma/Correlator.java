package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.Values;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.ValueTest.CompareOp;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The correlation stage: takes rule matches with their event and time, keeps bounded per-group windows and emits
 * {@link CorrelationMatch}es. Not thread-safe; feed it from one thread (per partition).
 *
 * <p>Windows slide over event time. Conditions with only lower bounds ({@code gt}, {@code gte}) fire as soon as
 * they hold; conditions with an upper bound or equality ({@code lt}, {@code lte}, {@code eq}, {@code neq}) are
 * decided when the window that began with the group's oldest event closes (a later event is past it, or
 * {@link #flush()}). A group's state is cleared when it fires. Correlations that refer to correlations are fed
 * by the matches this stage emits.
 */
public final class Correlator {
    /** Bounds on state: groups per correlation (least recently used evicted) and events kept per group. */
    public record Limits(int maxGroups, int maxEventsPerGroup) {
        public static Limits defaults() {
            return new Limits(10_000, 1_000);
        }
    }

    private record Entry(Instant time, String rule, String value, BigDecimal number) {
    }

    private static final class Group {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        final Map<String, String> values;

        Group(Map<String, String> values) {
            this.values = values;
        }
    }

    private final class State {
        final Correlation c;
        final boolean deferred;
        final LinkedHashMap<List<String>, Group> groups = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, Group> eldest) {
                if (size() <= limits.maxGroups()) return false;
                evictedGroups++;
                return true;
            }
        };
        Instant lastSweep = Instant.MIN;

        State(Correlation c) {
            this.c = c;
            this.deferred = c.conditions().keySet().stream().anyMatch(op -> op != CompareOp.GT && op != CompareOp.GTE);
        }
    }

    /** How often the bounds cut state: groups evicted (least recently used) and events dropped from full groups. */
    public record Evictions(long groups, long events) {
    }

    private final Limits limits;
    private long evictedGroups;
    private long droppedEvents;
    private final Map<String, List<State>> byRule = new HashMap<>();
    private final List<State> states = new ArrayList<>();

    public Correlator(List<Correlation> correlations, Limits limits) {
        this.limits = limits;
        for (Correlation c : correlations) {
            State s = new State(c);
            states.add(s);
            for (String r : new HashSet<>(c.rules())) byRule.computeIfAbsent(r, k -> new ArrayList<>()).add(s);
        }
    }

    /**
     * What the bounds cut so far. State is at most {@code maxGroups} groups per correlation with at most
     * {@code maxEventsPerGroup} events each; a correlation that needed what was cut may fire late or not at all.
     */
    public Evictions evictions() {
        return new Evictions(evictedGroups, droppedEvents);
    }

    /** Feeds one rule match; returns the correlations that fired because of it (including chained ones). */
    public List<CorrelationMatch> accept(Match match, Document event, Instant time) {
        List<CorrelationMatch> out = new ArrayList<>();
        feed(match.ruleId(), event, time, out, 0);
        return out;
    }

    /** Closes every open window (end of input) and returns what fired. */
    public List<CorrelationMatch> flush() {
        List<CorrelationMatch> out = new ArrayList<>();
        for (State s : states) {
            if (!s.deferred) continue;
            for (Group g : new ArrayList<>(s.groups.values())) {
                while (!g.entries.isEmpty()) closeWindow(s, g, out);
            }
            s.groups.clear();
        }
        List<CorrelationMatch> chained = new ArrayList<>();
        for (CorrelationMatch m : out) feedChained(m, chained, 1);
        out.addAll(chained);
        return out;
    }

    private void feed(String rule, Document event, Instant time, List<CorrelationMatch> out, int depth) {
        List<State> interested = byRule.get(rule);
        if (interested == null || depth > 8) return;
        for (State s : interested) {
            int before = out.size();
            step(s, rule, event, time, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i).rule() == s.c.meta()) feedChained(out.get(i), out, depth + 1);
            }
        }
    }

    private void feedChained(CorrelationMatch m, List<CorrelationMatch> out, int depth) {
        Map<String, Object> fields = new HashMap<>(m.group());
        feed(m.ruleId(), new MapDocument(fields), m.last(), out, depth);
    }

    private void step(State s, String rule, Document event, Instant time, List<CorrelationMatch> out) {
        Correlation c = s.c;
        Map<String, String> groupValues = new TreeMap<>();
        for (String g : c.groupBy()) {
            String field = c.aliases().containsKey(g) ? c.aliases().get(g).getOrDefault(rule, g) : g;
            Object v = event.get(field);
            if (v == null && !field.equals(g)) v = event.get(g);
            String text = Values.text(v);
            groupValues.put(g, text == null ? "" : text);
        }
        List<String> key = new ArrayList<>(groupValues.values());
        Group group = s.groups.computeIfAbsent(key, k -> new Group(groupValues));
        if (s.deferred) {
            sweep(s, time, out);
            group = s.groups.computeIfAbsent(key, k -> new Group(groupValues));
        } else {
            Instant horizon = time.minus(c.timespan());
            while (!group.entries.isEmpty() && group.entries.peekFirst().time().isBefore(horizon)) group.entries.pollFirst();
        }
        String value = c.field() == null ? null : Values.text(event.get(c.field()));
        BigDecimal number = c.field() == null ? null : Values.number(event.get(c.field()));
        group.entries.addLast(new Entry(time, rule, value, number));
        if (group.entries.size() > limits.maxEventsPerGroup()) {
            group.entries.pollFirst();
            droppedEvents++;
        }
        if (s.deferred) return;
        Double v = measure(c, group.entries);
        if (v != null && holds(c, v)) {
            out.add(fire(c, group, group.entries, v));
            s.groups.remove(key);
        }
    }

    /** Closes windows whose time has passed; checked at most once per second of event time. */
    private void sweep(State s, Instant now, List<CorrelationMatch> out) {
        if (!now.isAfter(s.lastSweep.plusSeconds(1)) && s.lastSweep != Instant.MIN) return;
        s.lastSweep = now;
        Iterator<Map.Entry<List<String>, Group>> it = s.groups.entrySet().iterator();
        List<Group> closing = new ArrayList<>();
        while (it.hasNext()) {
            Group g = it.next().getValue();
            if (!g.entries.isEmpty() && now.isAfter(g.entries.peekFirst().time().plus(s.c.timespan()))) closing.add(g);
        }
        for (Group g : closing) {
            while (!g.entries.isEmpty() && now.isAfter(g.entries.peekFirst().time().plus(s.c.timespan()))) closeWindow(s, g, out);
            if (g.entries.isEmpty()) s.groups.values().remove(g);
        }
    }

    private void closeWindow(State s, Group g, List<CorrelationMatch> out) {
        Instant end = g.entries.peekFirst().time().plus(s.c.timespan());
        List<Entry> window = new ArrayList<>();
        while (!g.entries.isEmpty() && !g.entries.peekFirst().time().isAfter(end)) window.add(g.entries.pollFirst());
        Double v = measure(s.c, window);
        if (v != null && holds(s.c, v)) out.add(fire(s.c, g, window, v));
    }

    private static Double measure(Correlation c, java.util.Collection<Entry> entries) {
        return switch (c.type()) {
            case EVENT_COUNT -> (double) entries.size();
            case VALUE_COUNT -> {
                Set<String> distinct = new HashSet<>();
                for (Entry e : entries) if (e.value() != null) distinct.add(e.value());
                yield (double) distinct.size();
            }
            case VALUE_SUM, VALUE_AVG -> {
                BigDecimal sum = BigDecimal.ZERO;
                int n = 0;
                for (Entry e : entries) {
                    if (e.number() != null) {
                        sum = sum.add(e.number());
                        n++;
                    }
                }
                if (n == 0) yield null;
                yield c.type() == Correlation.Type.VALUE_SUM ? sum.doubleValue() : sum.doubleValue() / n;
            }
            case TEMPORAL -> {
                Set<String> rules = new HashSet<>();
                for (Entry e : entries) rules.add(e.rule());
                yield (double) rules.size();
            }
            case TEMPORAL_ORDERED -> (double) orderedPrefix(c.rules(), entries);
        };
    }

    /** How many of the rules occur in order (each after the previous one's first occurrence). */
    private static int orderedPrefix(List<String> rules, java.util.Collection<Entry> entries) {
        int next = 0;
        for (Entry e : entries) {
            if (next < rules.size() && e.rule().equals(rules.get(next))) next++;
        }
        return next;
    }

    private static boolean holds(Correlation c, double v) {
        if (c.conditions().isEmpty()) {
            return switch (c.type()) {
                case TEMPORAL, TEMPORAL_ORDERED -> v >= new HashSet<>(c.rules()).size();
                case EVENT_COUNT, VALUE_COUNT, VALUE_SUM, VALUE_AVG -> false;
            };
        }
        for (Map.Entry<CompareOp, BigDecimal> cond : c.conditions().entrySet()) {
            if (!Values.compare(cond.getKey(), BigDecimal.valueOf(v), cond.getValue())) return false;
        }
        return true;
    }

    private static CorrelationMatch fire(Correlation c, Group g, java.util.Collection<Entry> entries, double v) {
        Instant first = entries.iterator().next().time();
        Instant last = first;
        List<String> rules = new ArrayList<>();
        for (Entry e : entries) {
            if (e.time().isAfter(last)) last = e.time();
            if (e.time().isBefore(first)) first = e.time();
            rules.add(e.rule());
        }
        return new CorrelationMatch(c.meta(), c.type(), g.values, first, last, v, rules);
    }
}
