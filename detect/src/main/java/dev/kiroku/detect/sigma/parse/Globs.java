package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.ValueTest;
import dev.kiroku.detect.sigma.model.ValueTest.TextOp;
import java.util.ArrayList;
import java.util.List;

/** Turns a wildcard string plus a text operator into the cheapest equivalent {@link ValueTest}. */
final class Globs {
    private Globs() {
    }

    static ValueTest test(List<SigmaValue.Part> parts, TextOp op, boolean cased) {
        List<ValueTest.GlobToken> tokens = new ArrayList<>();
        if (op == TextOp.CONTAINS || op == TextOp.ENDS_WITH) tokens.add(new ValueTest.AnyChars());
        for (SigmaValue.Part p : parts) {
            switch (p) {
                case SigmaValue.Lit(String text) -> {
                    if (!tokens.isEmpty() && tokens.getLast() instanceof ValueTest.Lit(String prev)) {
                        tokens.set(tokens.size() - 1, new ValueTest.Lit(prev + text));
                    } else if (!text.isEmpty()) {
                        tokens.add(new ValueTest.Lit(text));
                    }
                }
                case SigmaValue.Star s -> {
                    if (tokens.isEmpty() || !(tokens.getLast() instanceof ValueTest.AnyChars)) tokens.add(new ValueTest.AnyChars());
                }
                case SigmaValue.One o -> tokens.add(new ValueTest.AnyChar());
                case SigmaValue.Placeholder ph -> throw new IllegalStateException("unexpanded placeholder");
            }
        }
        if ((op == TextOp.CONTAINS || op == TextOp.STARTS_WITH) && (tokens.isEmpty() || !(tokens.getLast() instanceof ValueTest.AnyChars))) {
            tokens.add(new ValueTest.AnyChars());
        }
        return simplify(tokens, cased);
    }

    private static ValueTest simplify(List<ValueTest.GlobToken> t, boolean cased) {
        boolean hasOne = t.stream().anyMatch(x -> x instanceof ValueTest.AnyChar);
        long lits = t.stream().filter(x -> x instanceof ValueTest.Lit).count();
        if (hasOne || lits > 1) return new ValueTest.Glob(t, cased);
        if (lits == 0) {
            return t.isEmpty() ? new ValueTest.Text(TextOp.EQUALS, "", cased) : new ValueTest.Glob(t, cased);
        }
        boolean lead = t.getFirst() instanceof ValueTest.AnyChars;
        boolean trail = t.getLast() instanceof ValueTest.AnyChars;
        String lit = t.stream().filter(x -> x instanceof ValueTest.Lit).map(x -> ((ValueTest.Lit) x).text()).findFirst().orElseThrow();
        TextOp op = lead && trail ? TextOp.CONTAINS : lead ? TextOp.ENDS_WITH : trail ? TextOp.STARTS_WITH : TextOp.EQUALS;
        return new ValueTest.Text(op, lit, cased);
    }
}
