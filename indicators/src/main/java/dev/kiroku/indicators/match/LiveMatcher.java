package dev.kiroku.indicators.match;

import dev.kiroku.event.Event;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.IpRange;
import dev.kiroku.indicators.expr.SequencePattern;
import dev.kiroku.indicators.expr.Truth;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Checks each event against every loaded indicator without looping over them: the fields of the
 * event are looked up in per-field indexes (exact values in hash tables, addresses in a
 * {@link CidrIndex}, names in a {@link DomainIndex}, substrings and regex literals in one
 * {@link AhoCorasick} automaton per field), and only the indicators so found, plus the few whose
 * condition cannot be indexed ({@link #unindexedCount()}), are evaluated. Indicators Kiroku cannot
 * evaluate and expired ones are not loaded.
 *
 * <p>Immutable once built and safe for concurrent {@link #match} calls; multi-event (STIX
 * sequence) state is kept per agent.
 */
public final class LiveMatcher {

    /** One indexed condition: a whole indicator, or observation {@code observation} of a sequence. */
    private record Entry(Indicator indicator, Condition condition, int observation) {
    }

    private static final class FieldIndex {
        final Map<String, List<Entry>> exact = new HashMap<>();
        final CidrIndex<Entry> ranges = new CidrIndex<>();
        final DomainIndex<Entry> domains = new DomainIndex<>();
        final AhoCorasick<Entry> substrings = new AhoCorasick<>();
        boolean hasExact, hasRanges, hasDomains, hasSubstrings;
        /**
         * One bit per hash of the exact values (8 bits per value or more): a value whose bit is clear is in no
         * exact entry, found without touching the large hash table, which would mostly miss the CPU caches.
         */
        long[] exactBits;
        /** One bit per length of the exact values (up to {@link #LONGEST_LENGTH}): most values are excluded unread. */
        final long[] exactLengths = new long[LONGEST_LENGTH / 64];
        /** Whether an exact value is longer than {@link #LONGEST_LENGTH} or could come from a value of another length. */
        boolean anyLength;

        static final int LONGEST_LENGTH = 1024;

        void buildExactFilter() {
            int bits = Integer.highestOneBit(Math.max(64, exact.size() * 8 - 1)) << 1;
            exactBits = new long[bits >>> 6];
            for (String value : exact.keySet()) {
                int bit = bit(value.hashCode());
                exactBits[bit >>> 6] |= 1L << bit;
                // lower-casing keeps the length, except U+0130 (to "i" + U+0307): such keys match other lengths
                if (value.length() >= LONGEST_LENGTH || value.indexOf('\u0307') >= 0) anyLength = true;
                else exactLengths[value.length() >>> 6] |= 1L << value.length();
            }
        }

        /**
         * False when no exact value can equal the value lower-cased: its length is none of theirs, or the hash of its
         * ASCII-folded characters (read in place, no copy) hits a clear bit. Values with other characters say true.
         */
        boolean mayBeExact(String value) {
            int length = value.length();
            if (!anyLength && (length >= LONGEST_LENGTH || (exactLengths[length >>> 6] & 1L << length) == 0)) return false;
            int hash = 0;
            for (int i = 0; i < length; i++) {
                int c = value.charAt(i);
                if (c >= 0x80) return true; // not ASCII: lower-casing may not be per character
                if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
                hash = 31 * hash + c; // String.hashCode of the lower-cased value
            }
            int bit = bit(hash);
            return (exactBits[bit >>> 6] & 1L << bit) != 0;
        }

        private int bit(int hash) {
            return (hash * 0x9E3779B9 >>> 7) & (exactBits.length * 64 - 1);
        }
    }

    private final InstantSource clock;
    private final Map<String, FieldIndex> fields = new LinkedHashMap<>();
    private static final String DERIVED = "kiroku.";
    private final String[] fieldNames;
    /** Positions in {@link #fieldNames} of the names under {@link #DERIVED}. */
    private final int[] derivedFields;
    private final FieldIndex[] fieldIndexes;
    private final List<Entry> unindexed = new ArrayList<>();
    private final int loaded;
    private final Map<String, Map<Indicator, SequencePattern.State>> sequenceStates = new ConcurrentHashMap<>();

    /** Always walk the event's fields (tests); otherwise only when the event has fewer fields than are indexed. */
    private final boolean walkEventFields;

    private LiveMatcher(Collection<Indicator> indicators, InstantSource clock, boolean walkEventFields) {
        this.clock = clock;
        this.walkEventFields = walkEventFields;
        int count = 0;
        for (Indicator indicator : indicators) {
            if (!indicator.evaluable() || indicator.expiredAt(clock.instant())) continue;
            count++;
            if (indicator.sequence() == null) {
                for (Condition branch : branches(indicator.condition())) index(new Entry(indicator, branch, -1));
            } else {
                List<Condition> observations = indicator.sequence().observations();
                for (int i = 0; i < observations.size(); i++) {
                    for (Condition branch : branches(observations.get(i))) index(new Entry(indicator, branch, i));
                }
            }
        }
        loaded = count;
        fields.values().forEach(f -> {
            if (f.hasSubstrings) f.substrings.build();
            if (f.hasExact) f.buildExactFilter();
        });
        fieldNames = fields.keySet().toArray(String[]::new);
        fieldIndexes = fields.values().toArray(FieldIndex[]::new);
        derivedFields = java.util.stream.IntStream.range(0, fieldNames.length)
                .filter(i -> fieldNames[i].startsWith(DERIVED)).toArray();
    }

    /** A matcher over the evaluable, unexpired indicators (at the clock's time). */
    public static LiveMatcher build(Collection<Indicator> indicators, InstantSource clock) {
        return new LiveMatcher(indicators, clock, false);
    }

    /** A matcher that always looks up the event's fields one by one, whatever their number (to test that path). */
    static LiveMatcher walkingEventFields(Collection<Indicator> indicators, InstantSource clock) {
        return new LiveMatcher(indicators, clock, true);
    }

    public static LiveMatcher build(Collection<Indicator> indicators) {
        return build(indicators, InstantSource.system());
    }

    /** How many indicators are loaded. */
    public int size() {
        return loaded;
    }

    /**
     * The top-level OR branches of a condition that can be TRUE: each is indexed and evaluated on its own,
     * so an event that hits one branch of a large OpenIOC tree evaluates that branch only.
     */
    private static List<Condition> branches(Condition condition) {
        List<Condition> out = new ArrayList<>();
        if (condition instanceof Condition.Any any) {
            for (Condition part : any.parts()) out.addAll(branches(part));
        } else if (condition.mayBeTrue()) {
            out.add(condition);
        }
        return out;
    }

    /** How many loaded conditions (OR branches) have no index and are evaluated for every event. */
    public int unindexedCount() {
        return unindexed.size();
    }

    private void index(Entry entry) {
        Optional<List<Anchor>> anchors = Anchor.of(entry.condition());
        if (anchors.isEmpty()) {
            unindexed.add(entry);
            return;
        }
        for (Anchor anchor : anchors.get()) {
            FieldIndex f = fields.computeIfAbsent(anchor.field(), k -> new FieldIndex());
            switch (anchor) {
                case Anchor.Exact e -> {
                    f.exact.computeIfAbsent(e.value(), k -> new ArrayList<>(1)).add(entry);
                    f.hasExact = true;
                }
                case Anchor.Range r -> {
                    f.ranges.add(r.range(), entry);
                    f.hasRanges = true;
                }
                case Anchor.Domain d -> {
                    f.domains.add(d.domain(), entry);
                    f.hasDomains = true;
                }
                case Anchor.Substring s -> {
                    f.substrings.add(s.text(), entry);
                    f.hasSubstrings = true;
                }
            }
        }
    }

    /**
     * The indicators the event matches, each once. The event's ECS fields are looked up as {@link Event#writeEcs}
     * hands them over, without collecting them in a map; only an event that hits an index (or a matcher with
     * unindexed conditions) is flattened into an {@link EventView} to evaluate the conditions found.
     */
    public List<IndicatorHit> match(Event event) {
        if (walkEventFields) return match(EventView.of(event));
        FieldWalk walk = new FieldWalk();
        event.writeEcs(walk);
        if (walk.executable != null || walk.commandLine != null) {
            for (int i : derivedFields) {
                Object value = EventView.derived(fieldNames[i], walk.executable, walk.commandLine);
                if (value != null) lookup(fieldIndexes[i], value, walk.add);
            }
        }
        if (walk.found.isEmpty() && unindexed.isEmpty()) return List.of();
        return hits(EventView.of(event), walk.found);
    }

    private static final String EXECUTABLE = "process.executable";
    private static final String COMMAND_LINE = "process.command_line";

    /**
     * Looks up each field as the event writes it, and keeps what the derived fields are computed from; tells the event
     * which fields are wanted, so that it does not compute the others (formatted times, joined parent command lines).
     */
    private final class FieldWalk implements dev.kiroku.event.EcsFields {
        final List<Entry> found = new ArrayList<>(0);
        final Consumer<Entry> add = found::add;
        Object executable;
        Object commandLine;

        @Override
        public void put(String field, Object value) {
            if (value == null) return;
            FieldIndex f = fields.get(field);
            if (f != null) lookup(f, value, add);
            if (field.equals(EXECUTABLE)) executable = value;
            else if (field.equals(COMMAND_LINE)) commandLine = value;
        }

        /** Only indexed fields and those the derived fields come from: the event skips computing the others. */
        @Override
        public boolean wants(String field) {
            return fields.containsKey(field) || derivedFields.length > 0 && (field.equals(EXECUTABLE) || field.equals(COMMAND_LINE));
        }
    }

    /** The indicators the event matches, each once. */
    public List<IndicatorHit> match(EventView view) {
        List<Entry> found = new ArrayList<>(0);
        Consumer<Entry> add = found::add;
        Map<String, Object> values = view.fields();
        if (walkEventFields || values.size() < fieldNames.length) { // walk the event's few fields rather than every indexed one
            for (Map.Entry<String, Object> e : values.entrySet()) {
                FieldIndex f = fields.get(e.getKey());
                if (f != null && e.getValue() != null) lookup(f, e.getValue(), add);
            }
            for (int i : derivedFields) {
                if (values.get(fieldNames[i]) == null) lookupDerived(view, i, add);
            }
        } else {
            for (int i = 0; i < fieldNames.length; i++) {
                Object raw = values.get(fieldNames[i]);
                if (raw != null) lookup(fieldIndexes[i], raw, add);
                else if (fieldNames[i].startsWith(DERIVED)) lookupDerived(view, i, add);
            }
        }
        if (found.isEmpty() && unindexed.isEmpty()) return List.of();
        return hits(view, found);
    }

    /** Evaluates the conditions found by the indexes, and the unindexed ones, on the whole event. */
    private List<IndicatorHit> hits(EventView view, List<Entry> found) {
        List<IndicatorHit> hits = List.of();
        Set<Entry> toEvaluate = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        toEvaluate.addAll(unindexed);
        toEvaluate.addAll(found);
        Map<Indicator, List<Integer>> sequenceObservations = null;
        for (Entry entry : toEvaluate) {
            if (entry.condition().evaluate(view) != Truth.TRUE) continue;
            if (entry.indicator().expiredAt(clock.instant())) continue;
            if (entry.observation() >= 0) {
                if (sequenceObservations == null) sequenceObservations = new LinkedHashMap<>();
                List<Integer> satisfied = sequenceObservations.computeIfAbsent(entry.indicator(), k -> new ArrayList<>());
                if (!satisfied.contains(entry.observation())) satisfied.add(entry.observation());
                continue;
            }
            if (hits.isEmpty()) hits = new ArrayList<>(1);
            else if (alreadyHit(hits, entry.indicator())) continue;
            hits.add(new IndicatorHit(entry.indicator(), view.event(), false));
        }
        if (sequenceObservations != null) {
            for (Map.Entry<Indicator, List<Integer>> e : sequenceObservations.entrySet()) {
                if (advance(view, e.getKey(), e.getValue())) {
                    if (hits.isEmpty()) hits = new ArrayList<>(1);
                    hits.add(new IndicatorHit(e.getKey(), view.event(), false));
                }
            }
        }
        return hits;
    }

    private static boolean alreadyHit(List<IndicatorHit> hits, Indicator indicator) {
        for (IndicatorHit h : hits) if (h.indicator() == indicator) return true;
        return false;
    }

    private boolean advance(EventView view, Indicator indicator, List<Integer> satisfied) {
        String agent = view.first("agent.id");
        Map<Indicator, SequencePattern.State> states =
                sequenceStates.computeIfAbsent(agent == null ? "" : agent, k -> new ConcurrentHashMap<>());
        SequencePattern.State state = states.computeIfAbsent(indicator, k -> k.sequence().start());
        String timestamp = view.first("@timestamp");
        java.time.Instant time = timestamp != null ? java.time.Instant.parse(timestamp) : clock.instant();
        synchronized (state) {
            return state.accept(view, time, satisfied);
        }
    }

    /** Derived fields ({@link EventView}'s {@code kiroku.*} names that the view computes) are not in the ECS map. */
    private void lookupDerived(EventView view, int field, Consumer<Entry> add) {
        view.anyValue(fieldNames[field], value -> {
            lookup(fieldIndexes[field], value, add);
            return false;
        });
    }

    /** One field's value: a string (the common case), a list of values, or a number as its decimal text. */
    private static void lookup(FieldIndex f, Object raw, Consumer<Entry> add) {
        switch (raw) {
            case String single -> lookup(f, single, add);
            case List<?> list -> {
                for (Object item : list) if (item != null) lookup(f, text(item), add);
            }
            default -> lookup(f, String.valueOf(raw), add);
        }
    }

    private static String text(Object item) {
        return item instanceof String s ? s : String.valueOf(item);
    }

    private static void lookup(FieldIndex f, String value, Consumer<Entry> found) {
        if (f.hasExact && f.mayBeExact(value)) {
            List<Entry> exact = f.exact.get(value.toLowerCase(java.util.Locale.ROOT));
            if (exact != null) exact.forEach(found);
        }
        if (f.hasRanges) IpRange.address(value).ifPresent(address -> f.ranges.lookup(address, found));
        if (f.hasDomains) f.domains.lookup(value, found);
        if (f.hasSubstrings) f.substrings.search(value, found);
    }

}
