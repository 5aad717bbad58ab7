package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.Document;
import dev.kiroku.detect.sigma.model.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one logsource target compiled together. Every literal of every rule is numbered per field
 * ({@link LiteralTable}); one Aho-Corasick automaton per field finds which of them occur in the event's values. That
 * one pass both picks the candidate rules (those with a required literal present) and answers the candidates'
 * literal comparisons, which are then evaluated on a shared per-event cache. Rules without a required literal are
 * always evaluated.
 */
public final class CompiledGroup {
    private final String[] fieldNames;
    private final Node[] roots;
    private final int[] always;
    private final NameTable<FieldFilter> filters;
    private final int filterCount;
    private final FieldFilter keywordFilter;
    private final int[][] rulesOfLiteral;

    /**
     * @param automaton over the field's literals, null if the field has none
     * @param skip for the keyword filter, its patterns searched by skipping when there are few and long enough
     *     ({@link SkipScanner#of}); else null
     * @param literalIds the table id of each of the automaton's patterns
     * @param present rules that are candidates whenever the field is present
     * @param exact rules that are candidates when a lower-cased value of the field equals the key (null if none)
     * @param exactLongest the length of the longest key of {@code exact}: a longer value (lower-casing keeps the
     *     length) equals none and is not lower-cased
     * @param byLine no pattern has a line break, so none occurs across one: a multi-line text may be scanned (and its
     *     lines remembered) line by line
     * @param crFree no pattern has a carriage return, so none occurs across the one ending a Windows line
     * @param remember the automaton is big enough (its table does not stay in the core's cache) that looking a
     *     long text up in the thread's {@link ScanCache} costs less than scanning it; a small one scans every text
     */
    private record FieldFilter(int index, int field, AhoCorasick automaton, SkipScanner skip, int[] literalIds, int[] present, Map<String, int[]> exact, int exactLongest,
                               boolean byLine, boolean crFree, boolean remember) {
    }

    /** An automaton whose table is at most this big scans faster than a {@link ScanCache} lookup (in the L1 cache). */
    private static final int SMALL_TABLE_BYTES = 16 * 1024;
    /** ... except for texts at least this long, which a small automaton's filter also looks up. */
    static final int LONG_TEXT = 64;

    /** Scratch per thread: stamps avoid clearing arrays between events. */
    private static final class Scratch {
        int[] ruleStamp = new int[0];
        int[] literalStamp = new int[0];
        int[] candidates = new int[0];
        char[] chars = new char[256];
        /** The keyword pass's single-line texts (scanned whole) and multi-line texts (scanned after them). */
        String[] lines = new String[64];
        String[] texts = new String[8];
        /** The lengths of {@link #lines} for the skipping keyword pass; -1 for a text a multi-line one restates. */
        int[] lengths = new int[64];
        /** Per filter index, the patterns found in recent texts. */
        ScanCache[] caches = new ScanCache[0];
        EventContext context;
        int stamp;
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Compiles the rules' detections; the result's indices are positions in {@code detections}. */
    public CompiledGroup(List<Expr> detections) {
        List<Set<Literals.Lit>> required = detections.stream().map(Literals::required).toList();
        LiteralTable table = new LiteralTable(requiredKeywords(required));
        NodeCompiler compiler = new NodeCompiler(table);
        roots = new Node[detections.size()];
        List<Integer> alwaysList = new ArrayList<>();
        Map<Integer, List<Integer>> rulesOf = new HashMap<>();
        Map<String, List<Integer>> presentOf = new LinkedHashMap<>();
        Map<String, Map<String, List<Integer>>> exactOf = new LinkedHashMap<>();
        for (int r = 0; r < detections.size(); r++) {
            Expr e = detections.get(r);
            Set<Literals.Lit> req = required.get(r);
            table.scanEveryKeyword(req == null);
            roots[r] = compiler.compile(e);
            if (req == null) {
                alwaysList.add(r);
                continue;
            }
            for (Literals.Lit l : req) {
                if (l.exact()) exactOf.computeIfAbsent(l.field(), k -> new HashMap<>()).computeIfAbsent(l.text(), k -> new ArrayList<>()).add(r);
                else if (l.text().isEmpty()) presentOf.computeIfAbsent(l.field(), k -> new ArrayList<>()).add(r);
                else rulesOf.computeIfAbsent(table.id(l.field(), l.text()), k -> new ArrayList<>()).add(r);
            }
        }
        always = alwaysList.stream().mapToInt(Integer::intValue).toArray();
        rulesOfLiteral = new int[table.size()][];
        for (int id = 0; id < rulesOfLiteral.length; id++) {
            rulesOfLiteral[id] = rulesOf.getOrDefault(id, List.of()).stream().mapToInt(Integer::intValue).toArray();
        }
        Map<String, FieldFilter> byName = new HashMap<>();
        Set<String> fields = new LinkedHashSet<>(presentOf.keySet());
        fields.addAll(exactOf.keySet());
        table.fields().forEach(fields::add);
        for (String field : fields) {
            int[] present = ints(presentOf.getOrDefault(field, List.of()));
            Map<String, int[]> exact = null;
            if (exactOf.containsKey(field)) {
                exact = new HashMap<>();
                for (Map.Entry<String, List<Integer>> e : exactOf.get(field).entrySet()) exact.put(e.getKey(), ints(e.getValue()));
            }
            List<String> patterns = table.patterns(field);
            AhoCorasick automaton = patterns.isEmpty() ? null : new AhoCorasick(patterns);
            boolean byLine = patterns.stream().noneMatch(p -> p.indexOf('\n') >= 0);
            boolean crFree = patterns.stream().noneMatch(p -> p.indexOf('\r') >= 0);
            boolean remember = automaton != null && automaton.tableBytes() > SMALL_TABLE_BYTES;
            // Only the keyword pass reads whole values, long ones included: there skipping pays.
            SkipScanner skip = field.equals(Literals.ANY_VALUE) ? SkipScanner.of(patterns) : null;
            int exactLongest = exact == null ? 0 : exact.keySet().stream().mapToInt(String::length).max().orElse(0);
            byName.put(field, new FieldFilter(byName.size(), compiler.field(field), automaton, skip, table.ids(field), present, exact, exactLongest, byLine,
                    crFree, remember));
        }
        keywordFilter = byName.remove(Literals.ANY_VALUE);
        filterCount = byName.size();
        filters = new NameTable<>(byName);
        fieldNames = compiler.names();
    }

    /**
     * The keyword literals some rule requires. Only these (and those of rules evaluated on every event) are searched
     * for in every value of every event; a keyword of a rule that becomes a candidate through another literal (an
     * event id, a field's value) is tested on the event's values when the rule is evaluated.
     */
    private static Set<String> requiredKeywords(List<Set<Literals.Lit>> required) {
        Set<String> out = new java.util.HashSet<>();
        for (Set<Literals.Lit> req : required) {
            if (req == null) continue;
            for (Literals.Lit l : req) if (l.field().equals(Literals.ANY_VALUE)) out.add(l.text());
        }
        return out;
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    public int size() {
        return roots.length;
    }

    public int alwaysEvaluated() {
        return always.length;
    }

    /** Calls {@code sink} with the index of every matching rule, in increasing order. */
    public void match(Document doc, java.util.function.IntConsumer sink) {
        Scratch s = scratch.get();
        int n = prefilter(doc, s);
        int[] candidates = s.candidates;
        EventContext ctx = s.context;
        for (int i = 0; i < n; i++) {
            int r = candidates[i];
            if (roots[r].eval(ctx)) sink.accept(r);
        }
        ctx.reset(null);
    }

    /**
     * Runs only the prefilter and returns how many candidate rules it leaves for full evaluation (for the
     * benchmark's cost budget: {@link #match} is this plus the candidates' evaluation).
     */
    public int candidates(Document doc) {
        Scratch s = scratch.get();
        int n = prefilter(doc, s);
        s.context.reset(null);
        return n;
    }

    /** Finds the event's candidate rules: sorted in {@code s.candidates}, their number returned. */
    private int prefilter(Document doc, Scratch s) {
        if (s.ruleStamp.length < roots.length) {
            s.ruleStamp = new int[roots.length];
            s.candidates = new int[roots.length];
        }
        if (s.literalStamp.length < rulesOfLiteral.length) s.literalStamp = new int[rulesOfLiteral.length];
        if (s.context == null) s.context = new EventContext(fieldNames);
        if (s.caches.length < filterCount + 1) s.caches = new ScanCache[filterCount + 1];
        EventContext ctx = s.context;
        ctx.reset(doc);
        int stamp = ++s.stamp;
        if (stamp == Integer.MAX_VALUE) {
            java.util.Arrays.fill(s.ruleStamp, 0);
            java.util.Arrays.fill(s.literalStamp, 0);
            s.stamp = stamp = 1;
        }
        ctx.literals(s.literalStamp, stamp);
        Candidates c = new Candidates(s.ruleStamp, s.literalStamp, s.candidates, stamp, rulesOfLiteral);
        for (int r : always) c.add(r);
        if (keywordFilter != null) keywordPass(doc, s, c);
        if (filterCount > 0) {
            for (Map.Entry<String, ?> field : doc.fields()) {
                FieldFilter f = filters.get(field.getKey());
                if (f == null) continue;
                for (int r : f.present()) c.add(r);
                if (f.automaton() == null && f.exact() == null) continue;
                ctx.preset(f.field(), field.getValue());
                if (f.exact() != null) {
                    String[] texts = ctx.texts(f.field());
                    for (int i = 0; i < texts.length; i++) {
                        if (texts[i].length() > f.exactLongest()) continue;
                        int[] rules = f.exact().get(ctx.lowerTexts(f.field())[i]);
                        if (rules != null) for (int r : rules) c.add(r);
                    }
                }
                if (f.automaton() == null) continue;
                c.filter = f;
                for (String text : ctx.texts(f.field())) scan(f, text, s, c);
            }
        }
        java.util.Arrays.sort(s.candidates, 0, c.count);
        return c.count;
    }

    /**
     * Scans every value of the event for keyword literals. Single-line texts first, then multi-line ones line by
     * line; a line that only restates a single-line text of the same event after its field name ("Image: C:\\x.exe"
     * in a rendered Windows event message, where the value is the event's {@code Image}) is scanned only until the
     * automaton has left its "Image: " prefix, as the value's own scan reports everything after it.
     */
    private void keywordPass(Document doc, Scratch s, Candidates c) {
        FieldFilter f = keywordFilter;
        c.filter = f;
        if (f.skip() != null) {
            skipPass(f.skip(), doc, s, c);
            return;
        }
        int lines = 0;
        int texts = 0;
        for (Object v : doc.values()) {
            if (v instanceof String text) {
                if (f.byLine() && text.length() >= ScanCache.MIN_LENGTH && text.indexOf('\n') >= 0) {
                    if (texts == s.texts.length) s.texts = java.util.Arrays.copyOf(s.texts, texts * 2);
                    s.texts[texts++] = text;
                    continue;
                }
                scan(f, text, s, c);
                if (lines == s.lines.length) s.lines = java.util.Arrays.copyOf(s.lines, lines * 2);
                s.lines[lines++] = text;
            } else {
                for (String text : EventContext.toTexts(v)) scan(f, text, s, c);
            }
        }
        for (int i = 0; i < texts; i++) {
            String text = s.texts[i];
            int n = text.length();
            for (int from = 0; from < n; ) {
                int lineEnd = text.indexOf('\n', from);
                int to = lineEnd < 0 ? n : lineEnd;
                if (to - from < ScanCache.MIN_LENGTH) {
                    scanChars(f.automaton(), text, from, to, s, c);
                } else {
                    int end = f.crFree() && text.charAt(to - 1) == '\r' ? to - 1 : to;
                    int prefix = restatedPrefix(text, from, end, s.lines, lines);
                    if (prefix > 0) scanPrefix(f.automaton(), text, from, end, prefix, s, c);
                    else if (worthRemembering(f, to - from)) remembered(f, text.substring(from, to), s, c);
                    else scanChars(f.automaton(), text, from, to, s, c);
                }
                from = to + 1;
            }
        }
        java.util.Arrays.fill(s.lines, 0, lines, null);
        java.util.Arrays.fill(s.texts, 0, texts, null);
    }

    /**
     * The keyword pass by skipping: multi-line texts (a rendered Windows message) whole, then the single-line texts
     * that no line of them restates. A value that a line "NAME: VALUE" ends with (VALUE after the colon and blanks,
     * up to trailing blanks) is a piece of a text already scanned, so every literal inside it was found there
     * (literals do not span texts, and case folding is per char): skipping it reads about half the characters.
     */
    private static void skipPass(SkipScanner skip, Document doc, Scratch s, Candidates c) {
        int lines = 0;
        int texts = 0;
        for (Object v : doc.values()) {
            if (v instanceof String text) {
                if (text.length() < skip.window()) continue;
                if (text.indexOf('\n') >= 0) {
                    skip.scan(text, c);
                    if (texts == s.texts.length) s.texts = java.util.Arrays.copyOf(s.texts, texts * 2);
                    s.texts[texts++] = text;
                } else {
                    if (lines == s.lines.length) {
                        s.lines = java.util.Arrays.copyOf(s.lines, lines * 2);
                        s.lengths = java.util.Arrays.copyOf(s.lengths, lines * 2);
                    }
                    s.lengths[lines] = text.length();
                    s.lines[lines++] = text;
                }
            } else {
                for (String text : EventContext.toTexts(v)) skip.scan(text, c);
            }
        }
        for (int i = 0; i < texts; i++) markRestated(s.texts[i], skip.window(), s.lines, s.lengths, lines);
        for (int i = 0; i < lines; i++) if (s.lengths[i] >= 0) skip.scan(s.lines[i], c);
        java.util.Arrays.fill(s.lines, 0, lines, null);
        java.util.Arrays.fill(s.texts, 0, texts, null);
    }

    /** Sets {@code lengths[i]} to -1 for each of {@code values[0..count)} that some line of {@code text} ends with. */
    private static void markRestated(String text, int shortest, String[] values, int[] lengths, int count) {
        int n = text.length();
        for (int from = 0; from < n; ) {
            int lineEnd = text.indexOf('\n', from);
            int to = lineEnd < 0 ? n : lineEnd;
            int colon = text.indexOf(':', from, to);
            if (colon >= 0) {
                int valueFrom = colon + 1;
                while (valueFrom < to && isBlank(text.charAt(valueFrom))) valueFrom++;
                int end = to;
                while (end > valueFrom && isBlank(text.charAt(end - 1))) end--;
                int length = end - valueFrom;
                if (length >= shortest) {
                    for (int i = 0; i < count; i++) {
                        if (lengths[i] == length && text.regionMatches(valueFrom, values[i], 0, length)) lengths[i] = -1;
                    }
                }
            }
            from = to + 1;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /**
     * The length of the prefix "NAME: " if {@code text[from..to)} is "NAME: VALUE" where VALUE equals one of the
     * single-line texts {@code lines[0..count)} already scanned whole (in a rendered Windows message, the value of the
     * field NAME); else -1. Which field VALUE came from does not matter: every literal inside it was found already.
     */
    private static int restatedPrefix(String text, int from, int to, String[] lines, int count) {
        int colon = text.indexOf(':', from, to);
        if (colon <= from || colon + 1 >= to || text.charAt(colon + 1) != ' ') return -1;
        int valueFrom = colon + 2;
        int length = to - valueFrom;
        for (int i = 0; i < count; i++) {
            String value = lines[i];
            if (value.length() == length && text.regionMatches(valueFrom, value, 0, length)) return valueFrom - from;
        }
        return -1;
    }

    private static void scanPrefix(AhoCorasick automaton, String text, int from, int to, int prefix, Scratch s, Candidates c) {
        int n = to - from;
        if (n < automaton.shortest()) return;
        if (s.chars.length < n) s.chars = new char[Math.max(n, s.chars.length * 2)];
        text.getChars(from, to, s.chars, 0);
        automaton.scanPrefix(s.chars, n, prefix, c);
    }

    /**
     * Scans a text with the filter's automaton through the thread's char buffer (cheaper per char than
     * {@link String#charAt}); a long text scanned recently is answered from the thread's {@link ScanCache} instead.
     * A multi-line text (a rendered Windows event message: unique as a whole, but most of its lines repeat) goes
     * line by line when the filter allows it.
     */
    private static void scan(FieldFilter f, String text, Scratch s, Candidates c) {
        int n = text.length();
        if (!worthRemembering(f, n)) {
            scanChars(f.automaton(), text, 0, n, s, c);
            return;
        }
        int lineEnd = f.byLine() ? text.indexOf('\n') : -1;
        if (lineEnd >= 0) {
            for (int from = 0; from < n; lineEnd = text.indexOf('\n', from)) {
                int to = lineEnd < 0 ? n : lineEnd;
                if (worthRemembering(f, to - from)) remembered(f, text.substring(from, to), s, c);
                else scanChars(f.automaton(), text, from, to, s, c);
                from = to + 1;
            }
            return;
        }
        remembered(f, text, s, c);
    }

    /**
     * True if a text of this length is looked up in the {@link ScanCache} rather than scanned: from
     * {@link ScanCache#MIN_LENGTH} chars for a big automaton (each char a likely cache miss in its table), from
     * {@link #LONG_TEXT} for a small one (a fast scan, but hashing and comparing a long text is faster still).
     */
    private static boolean worthRemembering(FieldFilter f, int length) {
        return length >= (f.remember() ? ScanCache.MIN_LENGTH : LONG_TEXT);
    }

    /** Scans a text, or replays what the thread's cache remembers of it. */
    private static void remembered(FieldFilter f, String text, Scratch s, Candidates c) {
        ScanCache cache = s.caches[f.index()];
        if (cache == null) cache = s.caches[f.index()] = new ScanCache();
        int[] known = cache.lookup(text);
        if (known != null) {
            for (int p : known) c.hit(p);
            return;
        }
        cache.start();
        c.recorder = cache;
        scanChars(f.automaton(), text, 0, text.length(), s, c);
        c.recorder = null;
        cache.remember(text);
    }

    private static void scanChars(AhoCorasick automaton, String text, int from, int to, Scratch s, Candidates c) {
        int n = to - from;
        if (n < automaton.shortest()) return;
        if (s.chars.length < n) s.chars = new char[Math.max(n, s.chars.length * 2)];
        text.getChars(from, to, s.chars, 0);
        automaton.scan(s.chars, n, c);
    }

    /** The candidate rules of one event, each added once; receives the literals the scans find. */
    private static final class Candidates implements AhoCorasick.Hits {
        final int[] ruleStamp;
        final int[] literalStamp;
        final int[] list;
        final int stamp;
        final int[][] rulesOfLiteral;
        FieldFilter filter;
        /** Also receives the patterns found, while a scan is being remembered. */
        ScanCache recorder;
        int count;

        Candidates(int[] ruleStamp, int[] literalStamp, int[] list, int stamp, int[][] rulesOfLiteral) {
            this.ruleStamp = ruleStamp;
            this.literalStamp = literalStamp;
            this.list = list;
            this.stamp = stamp;
            this.rulesOfLiteral = rulesOfLiteral;
        }

        void add(int rule) {
            if (ruleStamp[rule] != stamp) {
                ruleStamp[rule] = stamp;
                list[count++] = rule;
            }
        }

        @Override
        public void hit(int pattern) {
            if (recorder != null) recorder.record(pattern);
            int id = filter.literalIds()[pattern];
            if (literalStamp[id] == stamp) return;
            literalStamp[id] = stamp;
            for (int r : rulesOfLiteral[id]) add(r);
        }
    }
}
