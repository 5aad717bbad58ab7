package dev.kiroku.detect.sigma.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/** A test of one field value, the leaf of {@link Expr}. */
public sealed interface ValueTest permits ValueTest.Text, ValueTest.Glob, ValueTest.Regex, ValueTest.Compare,
        ValueTest.Cidr, ValueTest.IsNull, ValueTest.Exists, ValueTest.FieldRef, ValueTest.TimePart {

    enum TextOp { EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS }

    enum CompareOp { LT, LTE, GT, GTE, EQ, NEQ }

    enum TimeUnit { MINUTE, HOUR, DAY, WEEK, MONTH, YEAR }

    /** A literal comparison; case-insensitive unless {@code cased}. */
    record Text(TextOp op, String value, boolean cased) implements ValueTest {
    }

    /** A wildcard pattern matched against the whole value. */
    record Glob(List<GlobToken> tokens, boolean cased) implements ValueTest {
        public Glob {
            tokens = List.copyOf(tokens);
        }
    }

    sealed interface GlobToken permits Lit, AnyChars, AnyChar {
    }

    record Lit(String text) implements GlobToken {
    }

    record AnyChars() implements GlobToken {
    }

    record AnyChar() implements GlobToken {
    }

    /** A regular expression searched anywhere in the value (like PCRE without anchors). */
    record Regex(Pattern pattern) implements ValueTest {
    }

    /** A numeric comparison of the field value with {@code value}. */
    record Compare(CompareOp op, BigDecimal value) implements ValueTest {
    }

    /** The value is an IP address inside the network. */
    record Cidr(byte[] network, int prefix, String source) implements ValueTest {
    }

    /** The field is absent or null. */
    record IsNull() implements ValueTest {
    }

    /** The field is present (or absent, when {@code expected} is false), whatever its value. */
    record Exists(boolean expected) implements ValueTest {
    }

    /** The value compares with the value of another field of the same event. */
    record FieldRef(String otherField, TextOp op, boolean cased) implements ValueTest {
    }

    /** A part of a date/time value, compared with {@code test} (a Compare or an equality Text). */
    record TimePart(TimeUnit unit, ValueTest test) implements ValueTest {
    }
}
