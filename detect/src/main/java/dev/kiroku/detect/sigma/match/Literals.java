package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds, for a rule, a set of requirements on (field, lower-case literal) at least one of which holds whenever the
 * rule matches: the literal occurs in the field's lower-cased value, or (for {@code exact}) equals it; an empty
 * literal means the field only has to be present (regexes, numbers, networks, literals too short to scan for).
 * Null when no such set can be derived (negations, null tests, short keywords).
 */
final class Literals {
    /** A requirement: {@code text} occurs in (or, if {@code exact}, equals) a lower-cased value of {@code field}. */
    record Lit(String field, String text, boolean exact) {
        Lit(String field, String text) {
            this(field, text, false);
        }

        static Lit present(String field) {
            return new Lit(field, "", false);
        }
    }

    /** Pseudo-field for keyword literals: they may occur in any value of the event. */
    static final String ANY_VALUE = "\u0000keywords";

    /** Shorter literals occur by chance in nearly every value; scanning for them costs more than evaluating. */
    static final int MIN_LENGTH = 3;

    private Literals() {
    }

    static Set<Lit> required(Expr e) {
        Set<Lit> r = requiredAny(e);
        return r != null && r.stream().anyMatch(Literals::weak) ? null : r;
    }

    /** A keyword literal too short to scan for: it could be anywhere, nothing is required. */
    private static boolean weak(Lit l) {
        return l.field().equals(ANY_VALUE) && l.text().length() < MIN_LENGTH;
    }

    private static Set<Lit> requiredAny(Expr e) {
        return switch (e) {
            case Expr.And a -> {
                Set<Lit> best = null;
                double bestCost = Double.MAX_VALUE;
                for (Expr i : a.items()) {
                    Set<Lit> r = requiredAny(i);
                    if (r == null) continue;
                    double c = cost(r);
                    if (c < bestCost) {
                        best = r;
                        bestCost = c;
                    }
                }
                yield best;
            }
            case Expr.Or o -> union(o.items());
            case Expr.AtLeast l -> union(l.items());
            case Expr.Not n -> null;
            case Expr.Const c -> c.value() ? null : Set.of();
            case Expr.Keyword k -> literal(ANY_VALUE, k.test());
            case Expr.Field f -> literal(f.field(), f.test());
        };
    }

    private static Set<Lit> union(List<Expr> items) {
        Set<Lit> out = new HashSet<>();
        for (Expr i : items) {
            Set<Lit> r = requiredAny(i);
            if (r == null) return null;
            out.addAll(r);
        }
        return out;
    }

    private static Set<Lit> literal(String field, ValueTest test) {
        if (test instanceof ValueTest.Text t && t.op() == ValueTest.TextOp.EQUALS && !field.equals(ANY_VALUE)) {
            return Set.of(new Lit(field, Values.lower(t.value()), true));
        }
        String text = switch (test) {
            case ValueTest.Text t -> t.value();
            case ValueTest.Glob g -> NodeCompiler.longestLiteral(g);
            case ValueTest.Regex r -> "";
            case ValueTest.Compare c -> "";
            case ValueTest.Cidr c -> "";
            case ValueTest.FieldRef r -> "";
            case ValueTest.TimePart p -> "";
            case ValueTest.Exists x -> x.expected() ? "" : null;
            case ValueTest.IsNull n -> null;
        };
        if (text == null) return null;
        if (text.isEmpty()) {
            // Only the field's presence is required (a keyword test could hit any value: nothing required).
            return field.equals(ANY_VALUE) ? null : Set.of(Lit.present(field));
        }
        if (text.length() < MIN_LENGTH && !field.equals(ANY_VALUE)) return Set.of(Lit.present(field));
        return Set.of(new Lit(field, Values.lower(text)));
    }

    /**
     * Lower is better: short literals occur by chance far more often than long ones; an equality is more selective
     * than an occurrence of the same text; mere presence (cost 1) is the weakest requirement.
     */
    static double cost(Set<Lit> lits) {
        double c = 0;
        for (Lit l : lits) {
            if (weak(l)) return Double.MAX_VALUE / 4;
            int n = Math.max(1, Math.min(l.text().length(), 12));
            c += (l.exact() ? 0.5 : 1.0) / (n * n);
        }
        return c;
    }
}
