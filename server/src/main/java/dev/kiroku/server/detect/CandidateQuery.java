package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.ValueTest;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.FieldSpec;
import dev.kiroku.store.FieldType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Translates a rule's detection into a store query that every event the rule can match also matches, so a test over
 * the recorded history reads only candidates and the compiled matcher decides. The query may let through more than
 * the rule matches, never less: Sigma compares text case-insensitively, so only the store's lower-cased words are
 * used (the complete words of a literal on a field indexed by words, as a phrase), exact terms only where the rule
 * says {@code |cased}, networks for {@code |cidr} on IP fields; anything else (negations, regular expressions,
 * keyword fields compared case-insensitively, fields the store does not index) narrows nothing.
 */
final class CandidateQuery {
    /** No narrowing: every event of the logsource is a candidate. */
    static final String ANY = "";
    /** No event can match. */
    static final String NONE = "\u0000none";

    private CandidateQuery() {
    }

    /** The store query text, {@link #ANY} or {@link #NONE}. */
    static String of(Expr detection) {
        return switch (detection) {
            case Expr.And and -> all(and.items());
            case Expr.Or or -> any(or.items());
            case Expr.AtLeast least when least.count() >= least.items().size() -> all(least.items());
            case Expr.AtLeast least -> least.count() <= 0 ? ANY : any(least.items());
            case Expr.Not not -> ANY;
            case Expr.Const c -> c.value() ? ANY : NONE;
            case Expr.Keyword keyword -> ANY;
            case Expr.Field field -> field(field.field(), field.test());
        };
    }

    private static String all(List<Expr> items) {
        Set<String> parts = new LinkedHashSet<>();
        for (Expr item : items) {
            String q = of(item);
            if (q.equals(NONE)) return NONE;
            if (!q.equals(ANY)) parts.add(q);
        }
        if (parts.isEmpty()) return ANY;
        return parts.size() == 1 ? parts.iterator().next() : "(" + String.join(" AND ", parts) + ")";
    }

    private static String any(List<Expr> items) {
        Set<String> parts = new LinkedHashSet<>();
        for (Expr item : items) {
            String q = of(item);
            if (q.equals(ANY)) return ANY;
            if (!q.equals(NONE)) parts.add(q);
        }
        if (parts.isEmpty()) return NONE;
        return parts.size() == 1 ? parts.iterator().next() : "(" + String.join(" OR ", parts) + ")";
    }

    private static String field(String name, ValueTest test) {
        FieldSpec spec = EventSchema.field(name).orElse(null);
        if (spec == null) return ANY;
        return switch (test) {
            case ValueTest.Text text when spec.hasWords() -> words(name, text);
            case ValueTest.Text text when text.cased() && text.op() == ValueTest.TextOp.EQUALS
                    && (spec.type() == FieldType.KEYWORD) && !text.value().isEmpty() -> name + ":" + quoted(text.value());
            case ValueTest.Glob glob when spec.hasWords() -> globWords(name, glob);
            case ValueTest.Cidr cidr when spec.type() == FieldType.IP -> name + ":" + cidr.source();
            default -> ANY;
        };
    }

    /**
     * The words of a literal that are whole words of any value the test accepts: a word touching the literal's start
     * may be the end of a longer word unless the value must start there (equals, starts with), and likewise at the end.
     */
    private static String words(String field, ValueTest.Text text) {
        boolean anchoredStart = text.op() == ValueTest.TextOp.EQUALS || text.op() == ValueTest.TextOp.STARTS_WITH;
        boolean anchoredEnd = text.op() == ValueTest.TextOp.EQUALS || text.op() == ValueTest.TextOp.ENDS_WITH;
        List<String> complete = completeWords(text.value(), anchoredStart, anchoredEnd);
        return complete.isEmpty() ? ANY : field + ":\"" + String.join(" ", complete) + "\"";
    }

    /** Each literal piece of a wildcard pattern contributes its complete words, all of which must appear. */
    private static String globWords(String field, ValueTest.Glob glob) {
        List<ValueTest.GlobToken> tokens = glob.tokens();
        Set<String> terms = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!(tokens.get(i) instanceof ValueTest.Lit(String text))) continue;
            List<String> complete = completeWords(text, i == 0, i == tokens.size() - 1);
            if (!complete.isEmpty()) terms.add(field + ":\"" + String.join(" ", complete) + "\"");
        }
        if (terms.isEmpty()) return ANY;
        return terms.size() == 1 ? terms.iterator().next() : "(" + String.join(" AND ", terms) + ")";
    }

    /** Runs of letters, digits and {@code _}, lower-cased, as the store's word index splits text. */
    static List<String> completeWords(String literal, boolean anchoredStart, boolean anchoredEnd) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < literal.length()) {
            if (!wordChar(literal.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < literal.length() && wordChar(literal.charAt(i))) i++;
            boolean wholeAtStart = start > 0 || anchoredStart;
            boolean wholeAtEnd = i < literal.length() || anchoredEnd;
            if (wholeAtStart && wholeAtEnd && i - start <= 255) words.add(lowerCase(literal.substring(start, i)));
            else if (!words.isEmpty()) break; // keep the phrase to consecutive words
        }
        return words;
    }

    /** Lower-cases code point by code point, as Lucene's LowerCaseFilter does. */
    private static String lowerCase(String word) {
        StringBuilder out = new StringBuilder(word.length());
        word.codePoints().map(Character::toLowerCase).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
