package dev.kiroku.detect.sigma.parse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A value from a rule while modifiers are applied to it. */
sealed interface SigmaValue permits SigmaValue.Str, SigmaValue.Num, SigmaValue.Bool, SigmaValue.Null {

    /** A string of literal parts and wildcards; {@code bytes} means each char is one byte (after utf16 encoding). */
    record Str(List<Part> parts, String raw, boolean bytes) implements SigmaValue {
        public Str {
            parts = List.copyOf(parts);
        }

        boolean plainLiteral() {
            return parts.stream().allMatch(p -> p instanceof Lit);
        }

        String literalText() {
            StringBuilder sb = new StringBuilder();
            for (Part p : parts) if (p instanceof Lit(String t)) sb.append(t);
            return sb.toString();
        }

        static Str literal(String text) {
            return new Str(text.isEmpty() ? List.of() : List.of(new Lit(text)), text, false);
        }

        /** Parses a plain Sigma string: {@code *} and {@code ?} are wildcards, backslash escapes them and itself. */
        static Str parse(String raw) {
            List<Part> parts = new ArrayList<>();
            StringBuilder lit = new StringBuilder();
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length() && "*?\\".indexOf(raw.charAt(i + 1)) >= 0) {
                    lit.append(raw.charAt(++i));
                } else if (c == '*' || c == '?') {
                    if (!lit.isEmpty()) parts.add(new Lit(lit.toString()));
                    lit.setLength(0);
                    parts.add(c == '*' ? new Star() : new One());
                } else {
                    lit.append(c);
                }
            }
            if (!lit.isEmpty()) parts.add(new Lit(lit.toString()));
            return new Str(parts, raw, false);
        }
    }

    sealed interface Part permits Lit, Star, One, Placeholder {
    }

    record Lit(String text) implements Part {
    }

    record Star() implements Part {
    }

    record One() implements Part {
    }

    record Placeholder(String name) implements Part {
    }

    record Num(String text, BigDecimal value) implements SigmaValue {
    }

    record Bool(boolean value) implements SigmaValue {
    }

    record Null() implements SigmaValue {
    }
}
