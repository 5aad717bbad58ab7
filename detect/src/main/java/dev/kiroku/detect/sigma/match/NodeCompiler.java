package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles {@link Expr} trees into {@link Node}s over interned field ids. */
final class NodeCompiler {
    private final Map<String, Integer> fieldIds = new HashMap<>();
    private final List<String> fieldNames = new ArrayList<>();
    private final LiteralTable literals;

    NodeCompiler(LiteralTable literals) {
        this.literals = literals;
    }

    int field(String name) {
        return fieldIds.computeIfAbsent(name, n -> {
            fieldNames.add(n);
            return fieldNames.size() - 1;
        });
    }

    Integer existingField(String name) {
        return fieldIds.get(name);
    }

    String[] names() {
        return fieldNames.toArray(new String[0]);
    }

    Node compile(Expr e) {
        return switch (e) {
            case Expr.And a -> {
                List<Node> items = new ArrayList<>();
                for (Expr i : a.items()) items.add(compile(i));
                yield items.size() == 1 ? items.getFirst() : new Node.And(items.toArray(new Node[0]));
            }
            case Expr.Or o -> or(o.items());
            case Expr.AtLeast l -> new Node.AtLeast(l.count(), l.items().stream().map(this::compile).toArray(Node[]::new));
            case Expr.Not n -> new Node.Not(compile(n.item()));
            case Expr.Const c -> new Node.Const(c.value());
            case Expr.Keyword k -> new Node.Keyword(k.test(), k.test() instanceof ValueTest.Text t && !t.cased()
                    ? literals.comparisonId(Literals.ANY_VALUE, Values.lower(t.value())) : -1);
            case Expr.Field f -> field(f.field(), f.test());
        };
    }

    /** An OR whose case-insensitive equality tests on one field become a single hash lookup. */
    private Node or(List<Expr> items) {
        Map<String, Set<String>> equalsByField = new LinkedHashMap<>();
        Set<Integer> containsIds = new java.util.LinkedHashSet<>();
        List<Node> rest = new ArrayList<>();
        for (Expr i : items) {
            if (i instanceof Expr.Field(String f, ValueTest.Text(ValueTest.TextOp op, String v, boolean cased))
                    && op == ValueTest.TextOp.EQUALS && !cased) {
                equalsByField.computeIfAbsent(f, k -> new HashSet<>()).add(Values.lower(v));
            } else if (scannedContains(i) instanceof Integer id) {
                containsIds.add(id);
            } else {
                rest.add(compile(i));
            }
        }
        List<Node> out = new ArrayList<>();
        if (!containsIds.isEmpty()) out.add(new Node.AnyLiteral(containsIds.stream().mapToInt(Integer::intValue).toArray()));
        for (Map.Entry<String, Set<String>> e : equalsByField.entrySet()) {
            int fid = field(e.getKey());
            if (e.getValue().size() == 1) out.add(text(e.getKey(), fid, ValueTest.TextOp.EQUALS, e.getValue().iterator().next(), false));
            else out.add(new Node.EqualsAny(fid, Set.copyOf(e.getValue())));
        }
        out.addAll(rest);
        return out.size() == 1 ? out.getFirst() : new Node.Or(out.toArray(new Node[0]));
    }

    /** The literal id of a case-insensitive "contains" long enough to be scanned for (field or keyword), else null. */
    private Integer scannedContains(Expr e) {
        ValueTest test = switch (e) {
            case Expr.Field f -> f.test();
            case Expr.Keyword k -> k.test();
            default -> null;
        };
        if (!(test instanceof ValueTest.Text(ValueTest.TextOp op, String v, boolean cased)) || op != ValueTest.TextOp.CONTAINS || cased) return null;
        String field = e instanceof Expr.Field f ? f.field() : Literals.ANY_VALUE;
        if (e instanceof Expr.Field f) field(f.field());
        int id = literals.comparisonId(field, Values.lower(v));
        return id < 0 ? null : id;
    }

    /**
     * An equality is not scanned for: its field's values are compared whole when a candidate rule is evaluated
     * (evaluation is rare), which keeps exact values out of the field's automaton.
     */
    private Node.Text text(String name, int fid, ValueTest.TextOp op, String pattern, boolean cased) {
        int literal = op == ValueTest.TextOp.EQUALS ? -1 : literals.comparisonId(name, Values.lower(pattern));
        return new Node.Text(fid, op, pattern, cased, literal);
    }

    /** The longest literal piece of a glob: it must occur in every value the glob matches. */
    static String longestLiteral(ValueTest.Glob g) {
        String longest = "";
        for (ValueTest.GlobToken tok : g.tokens()) {
            if (tok instanceof ValueTest.Lit(String s) && s.length() > longest.length()) longest = s;
        }
        return longest;
    }

    private Node field(String name, ValueTest test) {
        int fid = field(name);
        return switch (test) {
            case ValueTest.Text t -> text(name, fid, t.op(), t.cased() ? t.value() : Values.lower(t.value()), t.cased());
            case ValueTest.Glob g -> new Node.Glob(fid, Values.FlatGlob.of(g.cased() ? g.tokens()
                    : g.tokens().stream().map(tok -> tok instanceof ValueTest.Lit(String s) ? (ValueTest.GlobToken) new ValueTest.Lit(Values.lower(s)) : tok).toList()),
                    g.cased(), literals.comparisonId(name, Values.lower(longestLiteral(g))));
            case ValueTest.Regex r -> new Node.Regex(fid, r.pattern());
            case ValueTest.Exists x -> new Node.Present(fid, x.expected());
            case ValueTest.IsNull n -> new Node.Null(fid);
            case ValueTest.Compare c -> new Node.Other(fid, c);
            case ValueTest.Cidr c -> new Node.Other(fid, c);
            case ValueTest.FieldRef r -> new Node.Other(fid, r);
            case ValueTest.TimePart p -> new Node.Other(fid, p);
        };
    }
}
