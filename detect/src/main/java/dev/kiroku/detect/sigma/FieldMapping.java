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
     * A Sigma field whose values are spelled differently in the events: {@code values} maps each Sigma value to the
     * event value that means the same (e.g. Sysmon's {@code Initiated: 'true'} is {@code network.direction: egress}).
     * Sigma values are compared as Sigma compares values (case-insensitively unless the rule says {@code |cased});
     * event values case-insensitively. An event value not in the table means the Sigma field is absent.
     */
    public record Translation(String field, Map<String, String> values) {
        public Translation {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /**
     * @param when event field -> accepted values (the field's value, or one element of it if a list, must be one)
     * @param fields Sigma field -> event field
     * @param fallbackPrefix if not null, any other Sigma field F maps to prefix + F
     * @param translations Sigma field -> event field with a value translation
     * @param ecsFields event field names the target's events carry that rules may use as they are
     */
    public record Target(String name, LogSource logsource, Map<String, List<String>> when, Map<String, String> fields,
                         String fallbackPrefix, boolean raw, Map<String, Translation> translations, Set<String> ecsFields) {
        public Target {
            when = Map.copyOf(when);
            fields = Map.copyOf(fields);
            translations = Map.copyOf(translations);
            ecsFields = Set.copyOf(ecsFields);
        }

        public Target(String name, LogSource logsource, Map<String, List<String>> when, Map<String, String> fields,
                      String fallbackPrefix, boolean raw) {
            this(name, logsource, when, fields, fallbackPrefix, raw, Map.of(), Set.of());
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
                Map<String, Translation> translations = new LinkedHashMap<>();
                if (t.get("fields") instanceof YNode.YMap fm) {
                    for (YNode.Entry e : fm.entries()) {
                        if (e.value() instanceof YNode.YMap tm) {
                            Translation tr = translation(tm, name, problems);
                            if (tr != null) translations.put(e.key().text(), tr);
                            continue;
                        }
                        String to = scalar(e.value());
                        if (to == null) problems.add(name + ":" + e.value().line() + ": field mapping needs a string or {field, values}");
                        else fields.put(e.key().text(), to);
                    }
                }
                Set<String> ecsFields = new TreeSet<>();
                YNode ecs = t.get("ecs_fields");
                if (ecs instanceof YNode.YSeq es) {
                    for (YNode v : es.items()) {
                        String f = scalar(v);
                        if (f == null) problems.add(name + ":" + v.line() + ": ecs_fields lists field names");
                        else ecsFields.add(f);
                    }
                } else if (ecs != null) {
                    problems.add(name + ":" + ecs.line() + ": ecs_fields must be a list of field names");
                }
                targets.add(new Target(tname, ls, when, fields, scalar(t.get("fallback_prefix")), false, translations, ecsFields));
            }
        } catch (YamlReader.YamlException e) {
            problems.add(name + ":" + e.line() + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
        return new FieldMapping(targets);
    }

    /** {@code {field: event.field, values: {sigma value: event value, ...}}} */
    private static Translation translation(YNode.YMap m, String name, List<String> problems) {
        String field = scalar(m.get("field"));
        int before = problems.size();
        if (field == null) problems.add(name + ":" + m.line() + ": a value translation needs 'field' (the event field)");
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>();
        if (m.get("values") instanceof YNode.YMap vm && !vm.entries().isEmpty()) {
            for (YNode.Entry e : vm.entries()) {
                String to = scalar(e.value());
                if (to == null) problems.add(name + ":" + e.value().line() + ": a translated value must be a scalar");
                else if (!seen.add(e.key().text().toLowerCase(java.util.Locale.ROOT))) {
                    problems.add(name + ":" + e.key().line() + ": duplicate Sigma value '" + e.key().text() + "' (values compare case-insensitively)");
                } else values.put(e.key().text(), to);
            }
        } else {
            problems.add(name + ":" + m.line() + ": a value translation needs 'values' (a non-empty map of Sigma value -> event value)");
        }
        for (YNode.Entry e : m.entries()) {
            if (!e.key().text().equals("field") && !e.key().text().equals("values")) {
                problems.add(name + ":" + e.key().line() + ": unknown key '" + e.key().text() + "' in a value translation");
            }
        }
        return problems.size() == before ? new Translation(field, values) : null;
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
            case Expr.Field f when t.translations().containsKey(f.field()) -> translate(f, t.translations().get(f.field()), unmapped);
            case Expr.Field f -> {
                String name = field(f.field(), t, unmapped);
                ValueTest test = f.test() instanceof ValueTest.FieldRef(String other, ValueTest.TextOp op, boolean cased)
                        ? new ValueTest.FieldRef(field(other, t, unmapped), op, cased) : f.test();
                yield new Expr.Field(name, test);
            }
        };
    }

    /**
     * Rewrites a test on a translated Sigma field into tests on the event field: the Sigma field's value is the Sigma
     * value whose translation the event holds, so a test holds exactly when the event value is the translation of a
     * Sigma value that passes the test. The table is small, so each Sigma value is tested here, once, with the
     * reference evaluator, and the result becomes an OR of equalities on the event field (false if none passes).
     */
    private static Expr translate(Expr.Field f, Translation tr, Set<String> unmapped) {
        Set<String> all = new java.util.LinkedHashSet<>(tr.values().values());
        Set<String> passing = new java.util.LinkedHashSet<>();
        switch (f.test()) {
            case ValueTest.FieldRef r -> {
                unmapped.add(f.field() + " (translated values cannot be compared with |fieldref)");
                return f;
            }
            case ValueTest.Exists x -> {
                Expr present = anyOf(tr.field(), all);
                return x.expected() ? present : new Expr.Not(present);
            }
            case ValueTest.IsNull n -> {
                return new Expr.Not(anyOf(tr.field(), all));
            }
            default -> {
                for (Map.Entry<String, String> v : tr.values().entrySet()) {
                    if (dev.kiroku.detect.sigma.match.Oracle.test(f.test(), v.getKey())) passing.add(v.getValue());
                }
            }
        }
        return anyOf(tr.field(), passing);
    }

    private static Expr anyOf(String field, Set<String> eventValues) {
        if (eventValues.isEmpty()) return new Expr.Const(false);
        List<Expr> eqs = eventValues.stream().<Expr>map(v -> new Expr.Field(field, new ValueTest.Text(ValueTest.TextOp.EQUALS, v, false))).toList();
        return eqs.size() == 1 ? eqs.getFirst() : new Expr.Or(eqs);
    }

    private static String field(String sigma, Target t, Set<String> unmapped) {
        String mapped = t.fields().get(sigma);
        if (mapped != null) return mapped;
        if (t.fields().containsValue(sigma) || t.ecsFields().contains(sigma)) return sigma;
        if (t.translations().containsKey(sigma)) {
            unmapped.add(sigma + " (translated values cannot be compared with |fieldref)");
            return sigma;
        }
        if (t.fallbackPrefix() != null) return t.fallbackPrefix() + sigma;
        unmapped.add(sigma);
        return sigma;
    }
}
