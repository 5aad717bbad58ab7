package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.Document;
import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.ValueTest;
import dev.kiroku.detect.sigma.parse.Cidrs;
import java.math.BigDecimal;
import java.util.List;

/**
 * The reference evaluator: walks one rule's {@link Expr} straight over a {@link Document}, looking every field up
 * again and lower-casing on every comparison. Slow and obvious, it is what the compiled matcher is checked against.
 */
public final class Oracle {
    private Oracle() {
    }

    public static boolean matches(Expr e, Document doc) {
        return switch (e) {
            case Expr.And a -> {
                for (Expr i : a.items()) if (!matches(i, doc)) yield false;
                yield true;
            }
            case Expr.Or o -> {
                for (Expr i : o.items()) if (matches(i, doc)) yield true;
                yield false;
            }
            case Expr.Not n -> !matches(n.item(), doc);
            case Expr.AtLeast l -> {
                int hits = 0;
                for (Expr i : l.items()) if (matches(i, doc) && ++hits >= l.count()) yield true;
                yield false;
            }
            case Expr.Field f -> field(f, doc);
            case Expr.Keyword k -> {
                for (Object v : doc.values()) if (anyValue(k.test(), v, doc)) yield true;
                yield false;
            }
            case Expr.Const c -> c.value();
        };
    }

    private static boolean field(Expr.Field f, Document doc) {
        if (f.test() instanceof ValueTest.Exists x) return doc.has(f.field()) == x.expected();
        if (f.test() instanceof ValueTest.IsNull) return doc.get(f.field()) == null;
        return anyValue(f.test(), doc.get(f.field()), doc);
    }

    private static boolean anyValue(ValueTest test, Object value, Document doc) {
        if (value instanceof List<?> list) {
            for (Object item : list) if (!(item instanceof List<?>) && anyValue(test, item, doc)) return true;
            return false;
        }
        return scalar(test, value, doc);
    }

    /** A value test on one value that needs no other field (not {@code |fieldref}). */
    public static boolean test(ValueTest test, Object value) {
        if (test instanceof ValueTest.FieldRef) throw new IllegalArgumentException("fieldref needs a document");
        return scalar(test, value, null);
    }

    static boolean scalar(ValueTest test, Object value, Document doc) {
        if (value == null) return false;
        return switch (test) {
            case ValueTest.Text t -> {
                String s = Values.text(value);
                yield s != null && text(t.op(), t.cased() ? s : Values.lower(s), t.cased() ? t.value() : Values.lower(t.value()));
            }
            case ValueTest.Glob g -> {
                String s = Values.text(value);
                if (s == null) yield false;
                if (g.cased()) yield glob(g.tokens(), 0, s, 0);
                yield glob(g.tokens().stream().map(Oracle::lowerToken).toList(), 0, Values.lower(s), 0);
            }
            case ValueTest.Regex r -> {
                String s = Values.text(value);
                yield s != null && r.pattern().matcher(s).find();
            }
            case ValueTest.Compare c -> {
                BigDecimal n = Values.number(value);
                yield n != null && Values.compare(c.op(), n, c.value());
            }
            case ValueTest.Cidr c -> {
                String s = Values.text(value);
                yield s != null && Cidrs.contains(c, s);
            }
            case ValueTest.IsNull n -> false;
            case ValueTest.Exists x -> x.expected();
            case ValueTest.FieldRef r -> {
                String s = Values.text(value);
                Object other = doc.get(r.otherField());
                String o = Values.text(other);
                if (s == null || o == null) yield false;
                yield text(r.op(), r.cased() ? s : Values.lower(s), r.cased() ? o : Values.lower(o));
            }
            case ValueTest.TimePart p -> {
                String s = Values.text(value);
                BigDecimal part = s == null ? null : Values.timePart(p.unit(), s);
                yield part != null && scalar(p.test(), part, doc);
            }
        };
    }

    /** Plain recursive glob matching, kept independent of the compiled matcher's algorithm. */
    private static boolean glob(List<ValueTest.GlobToken> tokens, int ti, String s, int si) {
        while (ti < tokens.size()) {
            switch (tokens.get(ti)) {
                case ValueTest.Lit(String text) -> {
                    if (!s.startsWith(text, si)) return false;
                    si += text.length();
                }
                case ValueTest.AnyChar a -> {
                    if (si >= s.length()) return false;
                    si++;
                }
                case ValueTest.AnyChars a -> {
                    if (ti == tokens.size() - 1) return true;
                    for (int k = si; k <= s.length(); k++) {
                        if (glob(tokens, ti + 1, s, k)) return true;
                    }
                    return false;
                }
            }
            ti++;
        }
        return si == s.length();
    }

    private static ValueTest.GlobToken lowerToken(ValueTest.GlobToken t) {
        return t instanceof ValueTest.Lit(String text) ? new ValueTest.Lit(Values.lower(text)) : t;
    }

    static boolean text(ValueTest.TextOp op, String value, String pattern) {
        return switch (op) {
            case EQUALS -> value.equals(pattern);
            case STARTS_WITH -> value.startsWith(pattern);
            case ENDS_WITH -> value.endsWith(pattern);
            case CONTAINS -> value.contains(pattern);
        };
    }
}
