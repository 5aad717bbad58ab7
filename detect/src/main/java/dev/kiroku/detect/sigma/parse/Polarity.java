package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Replaces unresolved-placeholder markers by true where they must hold and by false where they are negated. */
final class Polarity {
    private Polarity() {
    }

    static Expr resolve(Expr e, Map<Expr, String> markers, boolean positive) {
        if (markers.containsKey(e)) return new Expr.Const(positive);
        return switch (e) {
            case Expr.And a -> new Expr.And(all(a.items(), markers, positive));
            case Expr.Or o -> new Expr.Or(all(o.items(), markers, positive));
            case Expr.AtLeast l -> new Expr.AtLeast(l.count(), all(l.items(), markers, positive));
            case Expr.Not n -> new Expr.Not(resolve(n.item(), markers, !positive));
            case Expr.Field f -> f;
            case Expr.Keyword k -> k;
            case Expr.Const c -> c;
        };
    }

    private static List<Expr> all(List<Expr> items, Map<Expr, String> markers, boolean positive) {
        List<Expr> out = new ArrayList<>(items.size());
        for (Expr i : items) out.add(resolve(i, markers, positive));
        return out;
    }
}
