package dev.kiroku.detect.sigma.match;

import dev.kiroku.detect.sigma.model.ValueTest;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.List;

/** Value conversions shared by both evaluators so that they agree on what a value is. */
public final class Values {
    private Values() {
    }

    /** Lower-cases char by char (locale- and context-free, length-preserving). */
    public static String lower(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c < 128 ? (c >= 'A' && c <= 'Z') : Character.toLowerCase(c) != c) break;
            i++;
        }
        if (i == n) return s;
        char[] out = s.toCharArray();
        for (; i < n; i++) {
            char c = out[i];
            if (c < 128) {
                if (c >= 'A' && c <= 'Z') out[i] = (char) (c + 32);
            } else {
                out[i] = Character.toLowerCase(c);
            }
        }
        return new String(out);
    }

    /** {@code c} as {@link #lower} folds it. */
    public static char fold(char c) {
        return c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
    }

    /**
     * True if {@code lower(text)} holds {@code lowered} (a lower-cased pattern) at {@code at}, without lower-casing
     * the text: {@link #lower} folds char by char and keeps the length, so comparing folded chars is the same.
     */
    public static boolean regionEqualsFolded(String text, int at, String lowered) {
        int m = lowered.length();
        if (at < 0 || at > text.length() - m) return false;
        for (int k = 0; k < m; k++) if (fold(text.charAt(at + k)) != lowered.charAt(k)) return false;
        return true;
    }

    /** {@code lower(text)} compared with {@code lowered} by {@code op}, without lower-casing the text. */
    public static boolean textFolded(ValueTest.TextOp op, String text, String lowered) {
        int n = text.length();
        int m = lowered.length();
        return switch (op) {
            case EQUALS -> n == m && regionEqualsFolded(text, 0, lowered);
            case STARTS_WITH -> regionEqualsFolded(text, 0, lowered);
            case ENDS_WITH -> regionEqualsFolded(text, n - m, lowered);
            case CONTAINS -> containsFolded(text, lowered);
        };
    }

    /** The ASCII chars that fold only from themselves (not letters): where one occurs folded, it occurs as it is. */
    private static final boolean[] FOLD_FREE = foldFreeTable();

    private static boolean[] foldFreeTable() {
        boolean[] free = new boolean[128];
        for (char c = 0; c < 128; c++) free[c] = Character.toLowerCase(c) == c && Character.toUpperCase(c) == c;
        for (int c = 128; c <= Character.MAX_VALUE; c++) {
            char folded = Character.toLowerCase((char) c);
            if (folded < 128) free[folded] = false;
        }
        return free;
    }

    /** True if no char but {@code c} itself folds to {@code c} (ASCII digits and punctuation). */
    public static boolean foldFree(char c) {
        return c < 128 && FOLD_FREE[c];
    }

    /**
     * True if {@code lower(text)} contains {@code lowered}. A pattern with a {@link #foldFree} char is found through
     * that char by {@link String#indexOf} (a vector search); one of letters only by comparing folded chars.
     */
    public static boolean containsFolded(String text, String lowered) {
        int m = lowered.length();
        if (m == 0) return true;
        for (int k = 0; k < m; k++) {
            char anchor = lowered.charAt(k);
            if (!foldFree(anchor)) continue;
            for (int at = text.indexOf(anchor, k); at >= 0; at = text.indexOf(anchor, at + 1)) {
                if (regionEqualsFolded(text, at - k, lowered)) return true;
            }
            return false;
        }
        char first = lowered.charAt(0);
        for (int i = 0, last = text.length() - m; i <= last; i++) {
            if (fold(text.charAt(i)) == first && regionEqualsFolded(text, i, lowered)) return true;
        }
        return false;
    }

    /** The text a scalar field value is compared as; null for maps and lists. */
    public static String text(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Integer i -> Integer.toString(i);
            case Long l -> Long.toString(l);
            case Short s -> Short.toString(s);
            case Byte b -> Byte.toString(b);
            case java.math.BigInteger b -> b.toString();
            case BigDecimal d -> d.toPlainString();
            case Double d -> d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
            case Float f -> f == Math.rint(f) && !Float.isInfinite(f) && Math.abs(f) < 1e7 ? Long.toString(f.longValue()) : Float.toString(f);
            case Boolean b -> Boolean.toString(b);
            case Character c -> String.valueOf(c);
            case List<?> l -> null;
            case java.util.Map<?, ?> m -> null;
            default -> v.toString();
        };
    }

    /** The number a scalar field value stands for, or null. */
    public static BigDecimal number(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Double d -> Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            case Float f -> Float.isFinite(f) ? BigDecimal.valueOf(f) : null;
            case BigDecimal d -> d;
            case Number n -> new BigDecimal(n.toString());
            case String s -> parseNumber(s);
            default -> null;
        };
    }

    private static BigDecimal parseNumber(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 64) return null;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) return new BigDecimal(new java.math.BigInteger(t.substring(2), 16));
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static boolean compare(ValueTest.CompareOp op, BigDecimal value, BigDecimal limit) {
        int c = value.compareTo(limit);
        return switch (op) {
            case LT -> c < 0;
            case LTE -> c <= 0;
            case GT -> c > 0;
            case GTE -> c >= 0;
            case EQ -> c == 0;
            case NEQ -> c != 0;
        };
    }

    /** Extracts a date part from an ISO-like timestamp ("2020-06-10 02:50:54.631", "2020-06-10T02:50:56Z"). */
    public static BigDecimal timePart(ValueTest.TimeUnit unit, String text) {
        LocalDateTime t = dateTime(text);
        if (t == null) return null;
        int v = switch (unit) {
            case MINUTE -> t.getMinute();
            case HOUR -> t.getHour();
            case DAY -> t.getDayOfMonth();
            case WEEK -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MONTH -> t.getMonthValue();
            case YEAR -> t.getYear();
        };
        return BigDecimal.valueOf(v);
    }

    private static LocalDateTime dateTime(String text) {
        String t = text.trim().replace(' ', 'T');
        if (t.length() < 10 || t.length() > 40) return null;
        try {
            return OffsetDateTime.parse(t).toLocalDateTime();
        } catch (DateTimeParseException e) {
            // not offset
        }
        try {
            return LocalDateTime.parse(t.endsWith("Z") ? t.substring(0, t.length() - 1) : t);
        } catch (DateTimeParseException e) {
            // not date-time
        }
        try {
            return LocalDate.parse(t).atStartOfDay();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A glob flattened to one entry per char: {@code kinds} 0 = literal char, 1 = any one char, 2 = any chars. */
    public record FlatGlob(char[] chars, byte[] kinds) {
        public static FlatGlob of(List<ValueTest.GlobToken> tokens) {
            StringBuilder chars = new StringBuilder();
            java.io.ByteArrayOutputStream kinds = new java.io.ByteArrayOutputStream();
            for (ValueTest.GlobToken t : tokens) {
                switch (t) {
                    case ValueTest.Lit(String text) -> {
                        chars.append(text);
                        for (int i = 0; i < text.length(); i++) kinds.write(0);
                    }
                    case ValueTest.AnyChar a -> {
                        chars.append('?');
                        kinds.write(1);
                    }
                    case ValueTest.AnyChars a -> {
                        chars.append('*');
                        kinds.write(2);
                    }
                }
            }
            return new FlatGlob(chars.toString().toCharArray(), kinds.toByteArray());
        }

        /** Whole-value match in O(pattern x value) time at worst (one remembered star, no deep backtracking). */
        public boolean matches(String s) {
            return matches(s, false);
        }

        /** {@code matches(lower(s))} for a glob of lower-cased literals, without lower-casing {@code s}. */
        public boolean matchesFolded(String s) {
            return matches(s, true);
        }

        private boolean matches(String s, boolean fold) {
            int m = chars.length;
            int n = s.length();
            int p = 0;
            int i = 0;
            int starP = -1;
            int starI = 0;
            while (i < n) {
                if (p < m && (kinds[p] == 1 || (kinds[p] == 0 && chars[p] == (fold ? fold(s.charAt(i)) : s.charAt(i))))) {
                    p++;
                    i++;
                } else if (p < m && kinds[p] == 2) {
                    starP = p++;
                    starI = i;
                } else if (starP >= 0) {
                    p = starP + 1;
                    i = ++starI;
                } else {
                    return false;
                }
            }
            while (p < m && kinds[p] == 2) p++;
            return p == m;
        }
    }

}
