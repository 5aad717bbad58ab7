package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.LogSource;
import dev.kiroku.detect.sigma.model.SigmaRule;
import dev.kiroku.detect.sigma.model.ValueTest;
import dev.kiroku.detect.sigma.yaml.YNode;
import dev.kiroku.detect.sigma.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where rules apply and what their fields are called, as data: each target names a Sigma logsource, the event
 * fields that select events of that kind, and the Sigma-to-event field names. The raw mapping has one target that
 * takes every event and every rule with the fields as written.
 */
public final class FieldMapping {
    /**
     * @param when event field -> accepted values (the field's value, or one element of it if a list, must be one)
     * @param fields Sigma field -> event field
     * @param fallbackPrefix if not null, any other Sigma field F maps to prefix + F
     */
    public record Target(String name, LogSource logsource, Map<String, List<String>> when, Map<String, String> fields,
                         String fallbackPrefix, boolean raw) {
        public Target {
            when = Map.copyOf(when);
            fields = Map.copyOf(fields);
        }

        public boolean selects(Document event) {
            for (Map.Entry<String, List<String>> w : when.entrySet()) {
                Object v = event.get(w.getKey());
                boolean ok = false;
                if (v instanceof List<?> list) {
                    for (Object o : list) ok |= w.getValue().contains(String.valueOf(o));
                } else if (v != null) {
                    ok = w.getValue().contains(String.valueOf(v));
                }
                if (!ok) return false;
            }
            return true;
        }
    }

    /** The rules that apply to a target, with their detections rewritten to the target's field names. */
    public record Bound(Target target, List<SigmaRule> rules, List<Expr> detections) {
    }

    /** @param skipped rule key -> why it applies to no target (e.g. unmapped fields) */
    public record Binding(List<Bound> bound, Map<String, String> skipped) {
    }

    private final List<Target> targets;

    public FieldMapping(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    public List<Target> targets() {
        return targets;
    }

    public static FieldMapping raw() {
        return new FieldMapping(List.of(new Target("raw", LogSource.ANY, Map.of(), Map.of(), null, true)));
    }

    /** The mapping of Sigma logsources and fields to Kiroku's ECS events (resource {@code sigma/kiroku-mapping.yml}). */
    public static FieldMapping kiroku() {
        try (InputStream in = FieldMapping.class.getResourceAsStream("/sigma/kiroku-mapping.yml")) {
            if (in == null) throw new IllegalStateException("missing resource sigma/kiroku-mapping.yml");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sigma/kiroku-mapping.yml");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a mapping document; throws IllegalArgumentException listing every problem with its line. */
    public static FieldMapping parse(String yaml, String name) {
        List<String> problems = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        try {
            List<YNode> docs = YamlReader.readAll(yaml, name);
            if (docs.size() != 1 || !(docs.getFirst() instanceof YNode.YMap root) || !(root.get("targets") instanceof YNode.YSeq seq)) {
                throw new IllegalArgumentException(name + ": expected one map with a 'targets' list");
            }
            Set<String> names = new TreeSet<>();
            for (YNode item : seq.items()) {
                if (!(item instanceof YNode.YMap t)) {
                    problems.add(name + ":" + item.line() + ": a target must be a map");
                    continue;
                }
                String tname = scalar(t.get("name"));
                if (tname == null || !names.add(tname)) problems.add(name + ":" + t.line() + ": target needs a unique name");
                LogSource ls = LogSource.ANY;
                if (t.get("logsource") instanceof YNode.YMap lm) {
                    ls = new LogSource(scalar(lm.get("product")), scalar(lm.get("category")), scalar(lm.get("service")));
                } else {
                    problems.add(name + ":" + t.line() + ": target needs a logsource map");
                }
                Map<String, List<String>> when = new LinkedHashMap<>();
                if (t.get("when") instanceof YNode.YMap wm) {
                    for (YNode.Entry e : wm.entries()) {
                        List<String> vals = new ArrayList<>();
                        if (e.value() instanceof YNode.YSeq vs) for (YNode v : vs.items()) vals.add(scalar(v));
                        else vals.add(scalar(e.value()));
                        when.put(e.key().text(), vals);
                    }
                }
                Map<String, String> fields = new LinkedHashMap<>();
                if (t.get("fields") instanceof YNode.YMap fm) {
                    for (YNode.Entry e : fm.entries()) {
                        String to = scalar(e.value());
                        if (to == null) problems.add(name + ":" + e.value().line() + ": field mapping needs a string");
                        else fields.put(e.key().text(), to);
                    }
                }
                targets.add(new Target(tname, ls, when, fields, scalar(t.get("fallback_prefix")), false));
            }
        } catch (YamlReader.YamlException e) {
            problems.add(name + ":" + e.line() + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
        return new FieldMapping(targets);
    }

    private static String scalar(YNode n) {
        return n instanceof YNode.YScalar s && !s.isNull() ? s.text() : null;
    }

    /** Assigns each rule to the targets it applies to, rewriting field names. */
    public Binding bind(List<SigmaRule> rules) {
        List<Bound> out = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, Integer> applied = new LinkedHashMap<>();
        for (Target t : targets) {
            List<SigmaRule> rs = new ArrayList<>();
            List<Expr> ds = new ArrayList<>();
            for (SigmaRule r : rules) {
                if (t.raw()) {
                    rs.add(r);
                    ds.add(r.detection());
                    continue;
                }
                if (!r.meta().logsource().coveredBy(t.logsource())) continue;
                Set<String> unmapped = new TreeSet<>();
                Expr mapped = rename(r.detection(), t, unmapped);
                if (!unmapped.isEmpty()) {
                    skipped.putIfAbsent(r.meta().key(), "fields not available for " + t.name() + ": " + unmapped);
                    continue;
                }
                rs.add(r);
                ds.add(mapped);
                applied.merge(r.meta().key(), 1, Integer::sum);
            }
            out.add(new Bound(t, rs, ds));
        }
        for (SigmaRule r : rules) {
            if (targets.stream().anyMatch(Target::raw)) break;
            if (applied.containsKey(r.meta().key())) skipped.remove(r.meta().key());
            else skipped.putIfAbsent(r.meta().key(), "no target for logsource " + r.meta().logsource());
        }
        return new Binding(out, skipped);
    }

    private static Expr rename(Expr e, Target t, Set<String> unmapped) {
        return switch (e) {
            case Expr.And a -> new Expr.And(a.items().stream().map(i -> rename(i, t, unmapped)).toList());
            case Expr.Or o -> new Expr.Or(o.items().stream().map(i -> rename(i, t, unmapped)).toList());
            case Expr.AtLeast l -> new Expr.AtLeast(l.count(), l.items().stream().map(i -> rename(i, t, unmapped)).toList());
            case Expr.Not n -> new Expr.Not(rename(n.item(), t, unmapped));
            case Expr.Const c -> c;
            case Expr.Keyword k -> k;
            case Expr.Field f -> {
                String name = field(f.field(), t, unmapped);
                ValueTest test = f.test() instanceof ValueTest.FieldRef(String other, ValueTest.TextOp op, boolean cased)
                        ? new ValueTest.FieldRef(field(other, t, unmapped), op, cased) : f.test();
                yield new Expr.Field(name, test);
            }
        };
    }

    private static String field(String sigma, Target t, Set<String> unmapped) {
        String mapped = t.fields().get(sigma);
        if (mapped != null) return mapped;
        if (t.fields().containsValue(sigma)) return sigma;
        if (t.fallbackPrefix() != null) return t.fallbackPrefix() + sigma;
        unmapped.add(sigma);
        return sigma;
    }
}
