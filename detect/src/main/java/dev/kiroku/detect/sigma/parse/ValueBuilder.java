package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.ValueTest;
import dev.kiroku.detect.sigma.model.ValueTest.TextOp;
import dev.kiroku.detect.sigma.yaml.YNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns one detection item ({@code field|mods: values}) into an {@link Expr}. */
final class ValueBuilder {
    private final LoadContext context;
    /** Markers standing for tests with unresolved placeholders; replaced by polarity later. */
    private final Map<Expr, String> unresolved;
    private final List<String> warnings;

    ValueBuilder(LoadContext context, Map<Expr, String> unresolved, List<String> warnings) {
        this.context = context;
        this.unresolved = unresolved;
        this.warnings = warnings;
    }

    static Map<Expr, String> newMarkerMap() {
        return new IdentityHashMap<>();
    }

    static BigDecimal number(String text) {
        try {
            String t = text.trim();
            if (t.isEmpty()) return null;
            if (t.startsWith("0x") || t.startsWith("0X")) return new BigDecimal(new java.math.BigInteger(t.substring(2), 16));
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static SigmaValue scalar(YNode.YScalar s) {
        return switch (s.kind()) {
            case NULL -> new SigmaValue.Null();
            case BOOL -> new SigmaValue.Bool(Boolean.parseBoolean(s.text().toLowerCase()));
            case INT, FLOAT -> {
                BigDecimal n = number(s.text());
                yield n == null ? SigmaValue.Str.parse(s.text()) : new SigmaValue.Num(s.text(), n);
            }
            case STRING -> SigmaValue.Str.parse(s.text());
        };
    }

    /**
     * Builds the test for a field (or keywords, when field is null) from its modifier names and value node.
     */
    Expr build(String field, List<String> modifierNames, YNode valueNode) throws RuleProblem {
        List<SigmaValue> values = new ArrayList<>();
        switch (valueNode) {
            case YNode.YScalar s -> values.add(scalar(s));
            case YNode.YSeq seq -> {
                if (seq.items().isEmpty()) throw new RuleProblem("empty value list", seq.line());
                for (YNode item : seq.items()) {
                    if (!(item instanceof YNode.YScalar s)) throw new RuleProblem("value list items must be scalars, got " + YNode.describe(item), item.line());
                    SigmaValue v = scalar(s);
                    if (v instanceof SigmaValue.Null && seq.items().size() > 1) {
                        throw new RuleProblem("null cannot be part of a list of values", item.line());
                    }
                    values.add(v);
                }
            }
            case YNode.YMap m -> throw new RuleProblem("a field value must be a scalar or a list, got a map", m.line());
        }
        ValueChain chain = new ValueChain(values, valueNode.line());
        for (String name : modifierNames) {
            Modifier modifier = Modifiers.lookup(name);
            if (modifier == null) throw new RuleProblem("unknown modifier '" + name + "'", valueNode.line());
            chain.names.add(name);
            modifier.apply(chain);
        }
        if (chain.all && chain.values.size() == 1 && values.size() == 1) {
            warnings.add("line " + chain.line + ": 'all' on a single value has no effect");
        }
        List<Expr> tests = new ArrayList<>();
        for (SigmaValue v : chain.values) tests.addAll(tests(field, chain, v));
        if (tests.isEmpty()) throw new RuleProblem("no values left after modifiers", chain.line);
        Expr combined = tests.size() == 1 ? tests.getFirst() : chain.all ? new Expr.And(tests) : new Expr.Or(tests);
        if (!chain.neq) return combined;
        if (field == null) return new Expr.Not(combined);
        return new Expr.And(List.of(new Expr.Field(field, new ValueTest.Exists(true)), new Expr.Not(combined)));
    }

    private Expr wrap(String field, ValueTest test, ValueChain chain) {
        ValueTest t = chain.time == null ? test : new ValueTest.TimePart(chain.time, test);
        return field == null ? new Expr.Keyword(t) : new Expr.Field(field, t);
    }

    private List<Expr> tests(String field, ValueChain c, SigmaValue v) throws RuleProblem {
        switch (c.kind) {
            case EXISTS -> {
                if (field == null) throw c.problem("'exists' needs a field");
                return List.of(new Expr.Field(field, new ValueTest.Exists(((SigmaValue.Bool) v).value())));
            }
            case COMPARE -> {
                BigDecimal n = switch (v) {
                    case SigmaValue.Num num -> num.value();
                    case SigmaValue.Str s -> number(s.raw());
                    case SigmaValue.Bool b -> null;
                    case SigmaValue.Null x -> null;
                };
                if (n == null) throw c.problem("comparison needs a number");
                return List.of(wrap(field, new ValueTest.Compare(c.compare, n), c));
            }
            case REGEX -> {
                String raw = raw(c, v, "re");
                try {
                    return List.of(wrap(field, new ValueTest.Regex(Pattern.compile(raw, c.regexFlags)), c));
                } catch (PatternSyntaxException e) {
                    throw c.problem("bad regular expression: " + e.getDescription() + " near index " + e.getIndex());
                }
            }
            case CIDR -> {
                String raw = raw(c, v, "cidr");
                ValueTest.Cidr cidr = Cidrs.parse(raw);
                if (cidr == null) throw c.problem("bad CIDR network '" + raw + "'");
                return List.of(wrap(field, cidr, c));
            }
            case FIELDREF -> {
                if (field == null) throw c.problem("'fieldref' needs a field");
                return List.of(new Expr.Field(field, new ValueTest.FieldRef(raw(c, v, "fieldref"), c.op, c.cased)));
            }
            case PLAIN -> {
                return plain(field, c, v);
            }
        }
        throw new IllegalStateException();
    }

    private static String raw(ValueChain c, SigmaValue v, String modifier) throws RuleProblem {
        return switch (v) {
            case SigmaValue.Str s -> s.raw();
            case SigmaValue.Num n -> n.text();
            case SigmaValue.Bool b -> throw c.problem("modifier '" + modifier + "' needs a string, got a boolean");
            case SigmaValue.Null n -> throw c.problem("modifier '" + modifier + "' cannot be applied to null");
        };
    }

    private List<Expr> plain(String field, ValueChain c, SigmaValue v) throws RuleProblem {
        switch (v) {
            case SigmaValue.Null n -> {
                if (!c.names.isEmpty()) throw c.problem("null cannot be combined with modifiers");
                if (field == null) throw c.problem("a keyword cannot be null");
                return List.of(new Expr.Field(field, new ValueTest.IsNull()));
            }
            case SigmaValue.Bool b -> {
                return List.of(wrap(field, new ValueTest.Text(TextOp.EQUALS, Boolean.toString(b.value()), c.cased), c));
            }
            case SigmaValue.Num n -> {
                if (c.time != null) return List.of(wrap(field, new ValueTest.Compare(ValueTest.CompareOp.EQ, n.value()), c));
                return text(field, c, SigmaValue.Str.parse(n.text()));
            }
            case SigmaValue.Str s -> {
                return text(field, c, s);
            }
        }
    }

    private List<Expr> text(String field, ValueChain c, SigmaValue.Str s) throws RuleProblem {
        List<Expr> out = new ArrayList<>();
        for (SigmaValue.Str expanded : Placeholders.expand(c, s, context)) {
            if (expanded == null) {
                Expr marker = new Expr.Const(true);
                unresolved.put(marker, s.raw());
                out.add(marker);
                continue;
            }
            TextOp op = field == null && c.op == TextOp.EQUALS ? TextOp.CONTAINS : c.op;
            out.add(wrap(field, Globs.test(expanded.parts(), op, c.cased), c));
        }
        return out;
    }
}
