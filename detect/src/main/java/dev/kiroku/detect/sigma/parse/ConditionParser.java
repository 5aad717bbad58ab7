package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a Sigma condition (or, and, not, parentheses, {@code N of pattern}, {@code all of them}) into an
 * {@link Expr} over the named searches. Precedence from loosest: or, and, not, x of, parentheses.
 */
final class ConditionParser {
    private final List<String> tokens;
    private final Map<String, Expr> searches;
    private final int line;
    private int pos;

    private ConditionParser(List<String> tokens, Map<String, Expr> searches, int line) {
        this.tokens = tokens;
        this.searches = searches;
        this.line = line;
    }

    static Expr parse(String condition, Map<String, Expr> searches, int line) throws RuleProblem {
        if (condition.indexOf('|') >= 0) {
            throw new RuleProblem("aggregation conditions ('|') are obsolete Sigma; use a correlation rule", line);
        }
        ConditionParser p = new ConditionParser(tokenize(condition, line), searches, line);
        if (p.tokens.isEmpty()) throw new RuleProblem("empty condition", line);
        Expr e = p.or();
        if (p.pos < p.tokens.size()) throw new RuleProblem("unexpected '" + p.tokens.get(p.pos) + "' in condition", line);
        return e;
    }

    private static List<String> tokenize(String s, int line) throws RuleProblem {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '*' || c == '-' || c == '.' || c == '?') {
                int start = i;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (Character.isLetterOrDigit(d) || d == '_' || d == '*' || d == '-' || d == '.' || d == '?') i++;
                    else break;
                }
                out.add(s.substring(start, i));
            } else {
                throw new RuleProblem("unexpected character '" + c + "' in condition", line);
            }
        }
        return out;
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean accept(String keyword) {
        String t = peek();
        if (t != null && t.toLowerCase(Locale.ROOT).equals(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    private Expr or() throws RuleProblem {
        List<Expr> items = new ArrayList<>();
        items.add(and());
        while (accept("or")) items.add(and());
        return items.size() == 1 ? items.getFirst() : new Expr.Or(items);
    }

    private Expr and() throws RuleProblem {
        List<Expr> items = new ArrayList<>();
        items.add(not());
        while (accept("and")) items.add(not());
        return items.size() == 1 ? items.getFirst() : new Expr.And(items);
    }

    private Expr not() throws RuleProblem {
        if (accept("not")) return new Expr.Not(not());
        return primary();
    }

    private Expr primary() throws RuleProblem {
        String t = peek();
        if (t == null) throw new RuleProblem("condition ends too early", line);
        if (t.equals("(")) {
            pos++;
            Expr e = or();
            if (!accept(")")) throw new RuleProblem("missing ')' in condition", line);
            return e;
        }
        if (t.equals(")")) throw new RuleProblem("unexpected ')' in condition", line);
        String lower = t.toLowerCase(Locale.ROOT);
        if (pos + 1 < tokens.size() && tokens.get(pos + 1).equalsIgnoreCase("of")) {
            pos += 2;
            String target = peek();
            if (target == null || target.equals("(") || target.equals(")")) throw new RuleProblem("'of' needs a pattern or 'them'", line);
            pos++;
            return of(lower, target);
        }
        if (isKeyword(lower)) throw new RuleProblem("unexpected '" + t + "' in condition", line);
        pos++;
        Expr e = searches.get(t);
        if (e == null) throw new RuleProblem("condition names '" + t + "', which is not a search identifier", line);
        return e;
    }

    private static boolean isKeyword(String t) {
        return t.equals("and") || t.equals("or") || t.equals("not") || t.equals("of") || t.equals("them");
    }

    private Expr of(String quantifier, String target) throws RuleProblem {
        List<Expr> matched = new ArrayList<>();
        if (target.equalsIgnoreCase("them")) {
            for (Map.Entry<String, Expr> e : searches.entrySet()) if (!e.getKey().startsWith("_")) matched.add(e.getValue());
        } else {
            Pattern p = Pattern.compile(globToRegex(target));
            for (Map.Entry<String, Expr> e : searches.entrySet()) if (p.matcher(e.getKey()).matches()) matched.add(e.getValue());
        }
        if (matched.isEmpty()) throw new RuleProblem("'" + quantifier + " of " + target + "' matches no search identifier", line);
        if (quantifier.equals("all")) return matched.size() == 1 ? matched.getFirst() : new Expr.And(matched);
        int n;
        if (quantifier.equals("any")) {
            n = 1;
        } else {
            try {
                n = Integer.parseInt(quantifier);
            } catch (NumberFormatException e) {
                throw new RuleProblem("bad quantifier '" + quantifier + "' before 'of'", line);
            }
        }
        if (n < 1) throw new RuleProblem("quantifier must be at least 1", line);
        if (n == 1) return matched.size() == 1 ? matched.getFirst() : new Expr.Or(matched);
        if (n > matched.size()) throw new RuleProblem("'" + n + " of " + target + "' needs more search identifiers than the " + matched.size() + " it matches", line);
        return new Expr.AtLeast(n, matched);
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') sb.append(".*");
            else if (c == '?') sb.append('.');
            else sb.append(Pattern.quote(String.valueOf(c)));
        }
        return sb.toString();
    }
}
