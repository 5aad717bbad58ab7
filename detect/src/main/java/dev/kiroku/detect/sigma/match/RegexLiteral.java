package dev.kiroku.detect.sigma.match;

import java.util.regex.Pattern;

/**
 * A run of literal chars that every match of a regular expression contains, found by reading the pattern's top level
 * conservatively: groups, classes, escapes that are not a plain char, anchors and dots end a run; a quantifier that
 * allows zero repetitions takes its char out; an alternation at the top level, inline flags other than a leading
 * {@code (?i)}, comments, literal or Unicode-case modes give no literal. Checking the literal with a vector
 * {@link String#indexOf} before running the regex skips the regex on most values: Java runs a pattern that does not
 * start with a plain literal from every position of the text, one position at a time.
 *
 * @param text the literal as it must occur; for {@code caseInsensitive} lower-cased (ASCII case folding, as the
 *     regex folds, implies {@link Values#fold} equality)
 */
record RegexLiteral(String text, boolean caseInsensitive) {
    /** Shorter runs occur nearly everywhere: checking them first does not pay. */
    static final int MIN_LENGTH = 3;

    /** The longest literal run every match of {@code pattern} contains, or null if none of {@link #MIN_LENGTH} chars. */
    static RegexLiteral of(Pattern pattern) {
        int flags = pattern.flags();
        if ((flags & (Pattern.LITERAL | Pattern.COMMENTS | Pattern.UNICODE_CASE | Pattern.CANON_EQ)) != 0) return null;
        boolean ci = (flags & Pattern.CASE_INSENSITIVE) != 0;
        String p = pattern.pattern();
        if (p.contains("\\Q")) return null; // quoted text is read by other rules
        if (p.startsWith("(?i)")) {
            ci = true;
            p = p.substring(4);
        }
        String longest = longestRun(p);
        if (longest == null || longest.length() < MIN_LENGTH) return null;
        return new RegexLiteral(ci ? Values.lower(longest) : longest, ci);
    }

    /** True if {@code value} holds the literal: a value without it cannot match the regex. */
    boolean occursIn(String value) {
        return caseInsensitive ? Values.containsFolded(value, text) : value.contains(text);
    }

    /** The longest literal run of the pattern's top level; null if the pattern has a top-level alternation or a construct not understood. */
    private static String longestRun(String p) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int n = p.length();
        int i = 0;
        while (i < n) {
            char c = p.charAt(i);
            int atomEnd;
            int literal = -1; // the atom's char if it is a plain char
            switch (c) {
                case '|' -> {
                    return null;
                }
                case '(' -> {
                    if (p.startsWith("(?", i) && i + 2 < n && p.charAt(i + 2) != ':' && p.charAt(i + 2) != '=' && p.charAt(i + 2) != '!'
                            && p.charAt(i + 2) != '<' && p.charAt(i + 2) != '>') {
                        return null; // inline flags (?i) (?-i) (?s:...) change how the rest matches
                    }
                    atomEnd = groupEnd(p, i);
                }
                case '[' -> atomEnd = classEnd(p, i);
                case '\\' -> {
                    if (i + 1 >= n) return null;
                    char e = p.charAt(i + 1);
                    if (e == 'Q' || e == 'E') return null;
                    if (Character.isLetterOrDigit(e) || e >= 128) {
                        atomEnd = escapeEnd(p, i);
                    } else {
                        atomEnd = i + 2;
                        literal = e;
                    }
                }
                case '.', '^', '$' -> atomEnd = i + 1;
                case ')', ']', '{', '}', '*', '+', '?' -> {
                    return null; // not where an atom starts: give up rather than guess
                }
                default -> {
                    atomEnd = i + 1;
                    literal = c;
                }
            }
            if (atomEnd < 0) return null;
            // The quantifier after the atom, if any.
            int q = atomEnd;
            boolean optional = false;
            boolean repeated = false;
            if (q < n) {
                char qc = p.charAt(q);
                if (qc == '?' || qc == '*') {
                    optional = true;
                    q++;
                } else if (qc == '+') {
                    repeated = true;
                    q++;
                } else if (qc == '{') {
                    int close = p.indexOf('}', q);
                    if (close < 0) return null;
                    String body = p.substring(q + 1, close);
                    int comma = body.indexOf(',');
                    String min = comma < 0 ? body : body.substring(0, comma);
                    if (min.isEmpty() || !min.chars().allMatch(Character::isDigit)) return null;
                    optional = Integer.parseInt(min) == 0;
                    repeated = true;
                    q = close + 1;
                }
                if (q > atomEnd && q < n && (p.charAt(q) == '?' || p.charAt(q) == '+')) q++; // lazy or possessive
            }
            if (literal >= 0 && !optional) {
                run.append((char) literal);
                if (repeated) {
                    if (run.length() > best.length()) best = run.toString();
                    run.setLength(0);
                }
            } else {
                if (run.length() > best.length()) best = run.toString();
                run.setLength(0);
            }
            i = q;
        }
        if (run.length() > best.length()) best = run.toString();
        return best;
    }

    /** The index after the group opened at {@code open}, or -1. */
    private static int groupEnd(String p, int open) {
        int depth = 0;
        for (int i = open; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                i = classEnd(p, i) - 1;
                if (i < 0) return -1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The index after the character class opened at {@code open} (nested classes included), or -1. */
    private static int classEnd(String p, int open) {
        int depth = 0;
        for (int i = open; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                if (i == open + 1 || i == open + 2 && p.charAt(open + 1) == '^') return -1; // "[]...]", "[^]...]": left alone
                if (--depth == 0) return i + 1;
            }
        }
        return -1;
    }

    /** The index after an escape that is not a plain char ({@code \d}, {@code \x41}, {@code \p{L}}, {@code \k<n>} ...). */
    private static int escapeEnd(String p, int at) {
        char e = p.charAt(at + 1);
        if (e == 'p' || e == 'P' || e == 'x' && at + 2 < p.length() && p.charAt(at + 2) == '{' || e == 'N') {
            int close = p.indexOf('}', at);
            return close < 0 ? -1 : close + 1;
        }
        if (e == 'k') {
            int close = p.indexOf('>', at);
            return close < 0 ? -1 : close + 1;
        }
        // \x41, \u0041, \0nn, \cX and back references: the chars that follow are consumed by the escape or are
        // read as atoms of their own; either way this atom is not a plain literal.
        return switch (e) {
            case 'x' -> at + 4;
            case 'u' -> at + 6;
            case 'c' -> at + 3;
            case '0' -> octalEnd(p, at + 2);
            default -> backReferenceEnd(p, at + 1);
        };
    }

    private static int octalEnd(String p, int from) {
        int i = from;
        while (i < p.length() && i < from + 3 && p.charAt(i) >= '0' && p.charAt(i) <= '7') i++;
        return i;
    }

    private static int backReferenceEnd(String p, int from) {
        if (!Character.isDigit(p.charAt(from))) return from + 1;
        int i = from;
        while (i < p.length() && Character.isDigit(p.charAt(i))) i++;
        return i;
    }
}
