package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.Set;
import java.util.regex.Pattern;

/** A compiled piece of a rule, evaluated against the per-event cache. */
sealed interface Node {
    boolean eval(EventContext c);

    record And(Node[] items) implements Node {
        public boolean eval(EventContext c) {
            for (Node n : items) if (!n.eval(c)) return false;
            return true;
        }
    }

    record Or(Node[] items) implements Node {
        public boolean eval(EventContext c) {
            for (Node n : items) if (n.eval(c)) return true;
            return false;
        }
    }

    record Not(Node item) implements Node {
        public boolean eval(EventContext c) {
            return !item.eval(c);
        }
    }

    record AtLeast(int count, Node[] items) implements Node {
        public boolean eval(EventContext c) {
            int hits = 0;
            for (Node n : items) if (n.eval(c) && ++hits >= count) return true;
            return false;
        }
    }

    record Const(boolean value) implements Node {
        public boolean eval(EventContext c) {
            return value;
        }
    }

    /**
     * Literal comparisons, pattern pre-lowered unless cased. {@code literal} is the pattern's id in the group's
     * {@link LiteralTable} (-1 if too short to scan for): the prefilter's scan already tells whether it occurs.
     */
    record Text(int field, ValueTest.TextOp op, String pattern, boolean cased, int literal, boolean nonAscii) implements Node {
        /** {@code nonAscii}: the pattern has a non-ASCII char, so only a value with one can match (ASCII lower-cases to ASCII). */
        Text(int field, ValueTest.TextOp op, String pattern, boolean cased, int literal) {
            this(field, op, pattern, cased, literal, pattern.chars().anyMatch(ch -> ch >= 128));
        }

        public boolean eval(EventContext c) {
            if (literal >= 0) {
                if (!c.seen(literal)) return false;
                if (op == ValueTest.TextOp.CONTAINS && !cased) return true;
            }
            if (nonAscii && !c.nonAscii(field)) return false;
            if (!cased) {
                // Folded char by char as compared: a long value is never lower-cased whole for a short pattern.
                for (String v : c.texts(field)) if (Values.textFolded(op, v, pattern)) return true;
                return false;
            }
            for (String v : c.texts(field)) {
                boolean hit = switch (op) {
                    case EQUALS -> v.equals(pattern);
                    case STARTS_WITH -> v.startsWith(pattern);
                    case ENDS_WITH -> v.endsWith(pattern);
                    case CONTAINS -> v.contains(pattern);
                };
                if (hit) return true;
            }
            return false;
        }
    }

    /** Case-insensitive "contains" of any of these literals (ids of scanned literals, field or keyword). */
    record AnyLiteral(int[] literals) implements Node {
        public boolean eval(EventContext c) {
            for (int id : literals) if (c.seen(id)) return true;
            return false;
        }
    }

    /**
     * Case-insensitive equality with any of many values of one field; a value whose length no key has (lower-casing
     * keeps the length) is not lower-cased.
     */
    record EqualsAny(int field, Set<String> lowered, int shortest, int longest) implements Node {
        EqualsAny(int field, Set<String> lowered) {
            this(field, lowered, lowered.stream().mapToInt(String::length).min().orElse(0),
                    lowered.stream().mapToInt(String::length).max().orElse(-1));
        }

        public boolean eval(EventContext c) {
            String[] texts = c.texts(field);
            for (int i = 0; i < texts.length; i++) {
                int n = texts[i].length();
                if (n >= shortest && n <= longest && lowered.contains(c.lowerTexts(field)[i])) return true;
            }
            return false;
        }
    }

    /** A wildcard match; {@code literal} is the id of its longest literal piece, which must occur (-1 if none). */
    record Glob(int field, Values.FlatGlob glob, boolean cased, int literal) implements Node {
        public boolean eval(EventContext c) {
            if (literal >= 0 && !c.seen(literal)) return false;
            if (cased) {
                for (String v : c.texts(field)) if (glob.matches(v)) return true;
            } else {
                for (String v : c.texts(field)) if (glob.matchesFolded(v)) return true;
            }
            return false;
        }
    }

    /** A regular expression; {@code literal} (or null) is a run of chars every match contains, checked first. */
    record Regex(int field, Pattern pattern, RegexLiteral literal) implements Node {
        Regex(int field, Pattern pattern) {
            this(field, pattern, RegexLiteral.of(pattern));
        }

        public boolean eval(EventContext c) {
            for (String v : c.texts(field)) {
                if (literal != null && !literal.occursIn(v)) continue;
                if (pattern.matcher(v).find()) return true;
            }
            return false;
        }
    }

    record Present(int field, boolean expected) implements Node {
        public boolean eval(EventContext c) {
            return c.has(field) == expected;
        }
    }

    record Null(int field) implements Node {
        public boolean eval(EventContext c) {
            return c.raw(field) == null;
        }
    }

    /** Rarer value tests (numbers, networks, field references, dates) evaluated on the raw values. */
    record Other(int field, ValueTest test) implements Node {
        public boolean eval(EventContext c) {
            return c.anyScalar(field, test);
        }
    }

    /** A keyword test against every value of the event; {@code literal} as in {@link Text}. */
    record Keyword(ValueTest test, int literal) implements Node {
        public boolean eval(EventContext c) {
            if (literal >= 0) {
                if (!c.seen(literal)) return false;
                if (test instanceof ValueTest.Text t && t.op() == ValueTest.TextOp.CONTAINS) return true;
            }
            return c.anyKeyword(test);
        }
    }
}
