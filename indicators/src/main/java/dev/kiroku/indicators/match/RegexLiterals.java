package dev.kiroku.indicators.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds literal text that every match of a regular expression must contain, so a regex indicator
 * is evaluated only for events whose field contains that text (found by {@link AhoCorasick}). For a
 * top-level alternation {@code a|b} each branch needs its own literal. Conservative: whatever it does
 * not understand ends the current literal, and literals shorter than {@value #MIN_LENGTH} are not used.
 */
public final class RegexLiterals {
    static final int MIN_LENGTH = 3;

    private RegexLiterals() {
    }

    /** One required literal per top-level branch, or empty when some branch has none usable. */
    public static Optional<List<String>> required(String regex) {
        List<String> branches = splitTopLevel(regex);
        if (branches == null) return Optional.empty();
        List<String> out = new ArrayList<>();
        for (String branch : branches) {
            String literal = longestLiteral(branch);
            if (literal == null || literal.length() < MIN_LENGTH) return Optional.empty();
            out.add(literal);
        }
        return Optional.of(out);
    }

    /** Top-level branches, or null when the regex is not balanced. */
    private static List<String> splitTopLevel(String regex) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == ']') inClass = false;
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) return null;
            } else if (c == '|' && depth == 0) {
                out.add(regex.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0 || inClass) return null;
        out.add(regex.substring(start));
        return out;
    }

    private static String longestLiteral(String branch) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int i = 0;
        while (i < branch.length()) {
            char c = branch.charAt(i);
            char literal;
            int next;
            if (c == '\\' && i + 1 < branch.length()) {
                char e = branch.charAt(i + 1);
                if (Character.isLetterOrDigit(e)) { // \d \w \b \Q … : not a plain literal
                    best = longer(best, run);
                    run.setLength(0);
                    i += 2;
                    continue;
                }
                literal = e;
                next = i + 2;
            } else if (c == '(' || c == '[') {
                best = longer(best, run);
                run.setLength(0);
                i = skipGroup(branch, i);
                if (i < branch.length() && "*?{+".indexOf(branch.charAt(i)) >= 0) i++;
                continue;
            } else if (".^$|)]".indexOf(c) >= 0) {
                best = longer(best, run);
                run.setLength(0);
                i++;
                continue;
            } else if ("*?{+".indexOf(c) >= 0) {
                best = longer(best, run); // defensive: a quantifier without a preceding literal
                run.setLength(0);
                i++;
                continue;
            } else {
                literal = c;
                next = i + 1;
            }
            char quantifier = next < branch.length() ? branch.charAt(next) : 0;
            if (quantifier == '*' || quantifier == '?' || quantifier == '{') {
                best = longer(best, run); // the literal is optional or repeated: the run ends before it
                run.setLength(0);
                i = next + 1;
                if (quantifier == '{') i = Math.max(i, branch.indexOf('}', next) + 1);
            } else if (quantifier == '+') {
                run.append(literal);
                best = longer(best, run);
                run.setLength(0);
                i = next + 1;
            } else {
                run.append(literal);
                i = next;
            }
        }
        return longer(best, run);
    }

    private static String longer(String best, StringBuilder run) {
        return run.length() > best.length() ? run.toString() : best;
    }

    private static int skipGroup(String s, int i) {
        char open = s.charAt(i);
        if (open == '[') {
            for (int j = i + 1; j < s.length(); j++) {
                if (s.charAt(j) == '\\') j++;
                else if (s.charAt(j) == ']' && j > i + 1) return j + 1;
            }
            return s.length();
        }
        int depth = 0;
        boolean inClass = false;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') j++;
            else if (inClass) { if (c == ']') inClass = false; }
            else if (c == '[') inClass = true;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return j + 1;
        }
        return s.length();
    }
}
