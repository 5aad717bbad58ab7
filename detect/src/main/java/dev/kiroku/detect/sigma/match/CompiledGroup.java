package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.Document;
import dev.kiroku.detect.sigma.model.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one logsource target compiled together: a literal prefilter (one Aho-Corasick automaton per field
 * over every rule's required literals) picks the candidate rules, which are then evaluated on a shared per-event
 * cache. Rules without a required literal are always evaluated.
 */
public final class CompiledGroup {
    private final String[] fieldNames;
    private final Node[] roots;
    private final int[] always;
    private final Map<String, FieldFilter> filters;
    private final FieldFilter keywordFilter;
    private final int literalCount;

    /**
     * @param automaton over the field's literals, null if the field only has presence requirements
     * @param present rules that are candidates whenever the field is present
     * @param offset numbers this field's literals within the group, for per-event "already seen" stamps
     */
    private record FieldFilter(int field, AhoCorasick automaton, int[][] rulesOfLiteral, int[] present, int offset) {
    }

    /** Scratch per thread: stamps avoid clearing arrays between events. */
    private static final class Scratch {
        int[] ruleStamp = new int[0];
        int[] literalStamp = new int[0];
        int[] candidates = new int[0];
        EventContext context;
        int stamp;
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Compiles the rules' detections; the result's indices are positions in {@code detections}. */
    public CompiledGroup(List<Expr> detections) {
        NodeCompiler compiler = new NodeCompiler();
        roots = new Node[detections.size()];
        List<Integer> alwaysList = new ArrayList<>();
        Map<String, Map<String, List<Integer>>> literals = new LinkedHashMap<>();
        for (int r = 0; r < detections.size(); r++) {
            Expr e = detections.get(r);
            roots[r] = compiler.compile(e);
            Set<Literals.Lit> req = Literals.required(e);
            if (req == null) {
                alwaysList.add(r);
            } else {
                for (Literals.Lit l : req) {
                    literals.computeIfAbsent(l.field(), k -> new LinkedHashMap<>()).computeIfAbsent(l.text(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        always = alwaysList.stream().mapToInt(Integer::intValue).toArray();
        filters = new HashMap<>();
        int offset = 0;
        for (Map.Entry<String, Map<String, List<Integer>>> e : literals.entrySet()) {
            List<Integer> presentList = e.getValue().remove("");
            int[] present = presentList == null ? new int[0] : presentList.stream().mapToInt(Integer::intValue).toArray();
            List<String> patterns = new ArrayList<>(e.getValue().keySet());
            int[][] rulesOf = new int[patterns.size()][];
            for (int i = 0; i < patterns.size(); i++) rulesOf[i] = e.getValue().get(patterns.get(i)).stream().mapToInt(Integer::intValue).toArray();
            AhoCorasick automaton = patterns.isEmpty() ? null : new AhoCorasick(patterns);
            filters.put(e.getKey(), new FieldFilter(compiler.field(e.getKey()), automaton, rulesOf, present, offset));
            offset += patterns.size();
        }
        literalCount = offset;
        keywordFilter = filters.remove(Literals.ANY_VALUE);
        fieldNames = compiler.names();
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
        if (s.ruleStamp.length < roots.length) {
            s.ruleStamp = new int[roots.length];
            s.candidates = new int[roots.length];
        }
        if (s.literalStamp.length < literalCount) s.literalStamp = new int[literalCount];
        if (s.context == null) s.context = new EventContext(fieldNames);
        EventContext ctx = s.context;
        ctx.reset(doc);
        int stamp = ++s.stamp;
        if (stamp == Integer.MAX_VALUE) {
            java.util.Arrays.fill(s.ruleStamp, 0);
            java.util.Arrays.fill(s.literalStamp, 0);
            s.stamp = stamp = 1;
        }
        Candidates c = new Candidates(s.ruleStamp, s.literalStamp, s.candidates, stamp);
        for (int r : always) c.add(r);
        if (keywordFilter != null) {
            for (String text : ctx.keywordTexts()) keywordFilter.automaton().scan(text, p -> c.literal(keywordFilter, p));
        }
        if (!filters.isEmpty()) {
            for (String name : doc.fieldNames()) {
                FieldFilter f = filters.get(name);
                if (f == null) continue;
                for (int r : f.present()) c.add(r);
                if (f.automaton() == null) continue;
                ctx.preset(f.field(), doc.get(name));
                for (String text : ctx.texts(f.field())) f.automaton().scan(text, p -> c.literal(f, p));
            }
        }
        int n = c.count;
        int[] candidates = s.candidates;
        java.util.Arrays.sort(candidates, 0, n);
        for (int i = 0; i < n; i++) {
            int r = candidates[i];
            if (roots[r].eval(ctx)) sink.accept(r);
        }
        ctx.reset(null);
    }

    /** The candidate rules of one event, each added once. */
    private static final class Candidates {
        final int[] ruleStamp;
        final int[] literalStamp;
        final int[] list;
        final int stamp;
        int count;

        Candidates(int[] ruleStamp, int[] literalStamp, int[] list, int stamp) {
            this.ruleStamp = ruleStamp;
            this.literalStamp = literalStamp;
            this.list = list;
            this.stamp = stamp;
        }

        void add(int rule) {
            if (ruleStamp[rule] != stamp) {
                ruleStamp[rule] = stamp;
                list[count++] = rule;
            }
        }

        void literal(FieldFilter f, int pattern) {
            int id = f.offset() + pattern;
            if (literalStamp[id] == stamp) return;
            literalStamp[id] = stamp;
            for (int r : f.rulesOfLiteral()[pattern]) add(r);
        }
    }
}
