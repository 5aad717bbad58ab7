package dev.kiroku.store.query;

import dev.kiroku.store.EventSchema;
import dev.kiroku.store.FieldSpec;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the Kiroku query language (see store/README.md) into a type-checked {@link Query}.
 * A small recursive-descent parser; every error names its position and what was expected.
 *
 * <pre>
 * query   := or EOF
 * or      := and ( "OR" and )*
 * and     := unary ( ["AND"] unary )*
 * unary   := "NOT" unary | primary
 * primary := "(" or ")" | FIELD ":" rhs | value
 * rhs     := "(" or ")" | range | ("=" | ">" | ">=" | "<" | "<=") value | value
 * range   := ("[" | "{") bound "TO" bound ("]" | "}")
 * value   := QUOTED | WORD
 * </pre>
 */
public final class QueryParser {
    private final Values values;

    public QueryParser(InstantSource clock) {
        this.values = new Values(clock);
    }

    /** @throws QuerySyntaxException naming the position and what was expected there */
    public Query parse(String text) {
        return new Run(text, values).query();
    }

    /** One parse: the text and the position reached. */
    private static final class Run {
        private final String s;
        private final Values values;
        private int pos;
        /** The field bare values apply to inside {@code field:( ... )}; null at top level. */
        private FieldSpec context;

        Run(String s, Values values) {
            this.s = s;
            this.values = values;
        }

        Query query() {
            skipWs();
            if (pos == s.length()) return new Query.All();
            Query q = or();
            skipWs();
            if (pos < s.length()) {
                throw error(pos, s.charAt(pos) == ')' ? "unbalanced ')': no '(' is open here"
                        : "expected AND, OR, NOT, a term or the end of the query but found " + found());
            }
            return q;
        }

        private Query or() {
            List<Query> clauses = new ArrayList<>();
            clauses.add(and());
            while (keyword("OR")) clauses.add(and());
            return clauses.size() == 1 ? clauses.getFirst() : new Query.Or(clauses);
        }

        private Query and() {
            List<Query> clauses = new ArrayList<>();
            clauses.add(unary());
            while (true) {
                skipWs();
                if (pos == s.length() || s.charAt(pos) == ')' || atKeyword("OR")) break;
                keyword("AND");
                clauses.add(unary());
            }
            return clauses.size() == 1 ? clauses.getFirst() : new Query.And(clauses);
        }

        private Query unary() {
            if (keyword("NOT")) return new Query.Not(unary());
            return primary();
        }

        private Query primary() {
            skipWs();
            if (pos == s.length()) throw error(pos, "expected a term, a phrase or '(' but found the end of the query");
            char c = s.charAt(pos);
            if (c == '(') return group();
            if (c == ')') throw error(pos, "expected a term, a phrase or '(' but found ')'");
            if (atKeyword("AND") || atKeyword("OR")) {
                throw error(pos, "expected a term, a phrase or '(' but found the operator " + found()
                        + " (quote it to search for the word)");
            }
            int fieldEnd = pos;
            while (fieldEnd < s.length() && isFieldChar(s.charAt(fieldEnd))) fieldEnd++;
            if (fieldEnd > pos && fieldEnd < s.length() && s.charAt(fieldEnd) == ':' && c != '"') {
                int fieldPos = pos;
                String name = s.substring(pos, fieldEnd);
                pos = fieldEnd + 1;
                return fieldExpression(field(name, fieldPos));
            }
            Value v = value(false);
            return context == null ? bareWords(v) : values.term(context, v, false, this::error);
        }

        private Query group() {
            int open = pos++;
            Query q = or();
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != ')') {
                throw error(pos, "expected ')' to close the '(' at position " + open + " but found " + found());
            }
            pos++;
            return q;
        }

        private Query fieldExpression(FieldSpec field) {
            if (pos == s.length() || Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ')') {
                throw error(pos, "expected a value after '" + field.name() + ":' but found " + found());
            }
            char c = s.charAt(pos);
            if (c == '(') {
                FieldSpec outer = context;
                context = field;
                try {
                    return group();
                } finally {
                    context = outer;
                }
            }
            if (c == '[' || c == '{') return range(field);
            if (c == '=') {
                pos++;
                return values.term(field, value(false), true, this::error);
            }
            if (c == '>' || c == '<') {
                int opPos = pos++;
                boolean inclusive = pos < s.length() && s.charAt(pos) == '=';
                if (inclusive) pos++;
                Value v = value(false);
                return c == '>' ? values.range(field, v, inclusive, null, true, opPos, this::error)
                        : values.range(field, null, true, v, inclusive, opPos, this::error);
            }
            return values.term(field, value(false), false, this::error);
        }

        private Query range(FieldSpec field) {
            int open = pos;
            boolean lowerInclusive = s.charAt(pos++) == '[';
            Value lower = value(true);
            if (!keyword("TO")) throw error(pos, "expected TO between the bounds of the range at position " + open + " but found " + found());
            Value upper = value(true);
            skipWs();
            if (pos >= s.length() || (s.charAt(pos) != ']' && s.charAt(pos) != '}')) {
                throw error(pos, "expected ']' or '}' to close the range opened at position " + open + " but found " + found());
            }
            boolean upperInclusive = s.charAt(pos++) == ']';
            return values.range(field, lower.isStar() ? null : lower, lowerInclusive,
                    upper.isStar() ? null : upper, upperInclusive, open, this::error);
        }

        private Query bareWords(Value v) {
            List<String> fields = EventSchema.DEFAULT_WORD_FIELDS;
            if (v.wildcard()) return new Query.WordPattern(fields, v.pattern().toLowerCase(Locale.ROOT), v.position());
            return new Query.Words(fields, v.text(), v.position());
        }

        private FieldSpec field(String name, int at) {
            return EventSchema.field(name).orElseThrow(() -> {
                String suggestion = Suggestions.closest(name, EventSchema.fields().keySet());
                return error(at, "unknown field '" + name + "'" + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
            });
        }

        /** A quoted phrase or a word; in a range a word also ends at ']' or '}'. */
        private Value value(boolean inRange) {
            skipWs();
            int start = pos;
            if (pos == s.length()) throw error(pos, "expected a value but found the end of the query");
            if (s.charAt(pos) == '"') {
                StringBuilder text = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= s.length()) throw error(start, "unterminated phrase: the '\"' here is never closed");
                    char c = s.charAt(pos++);
                    if (c == '"') break;
                    if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                    text.append(c);
                }
                return new Value(text.toString(), null, true, start);
            }
            StringBuilder text = new StringBuilder();
            StringBuilder pattern = new StringBuilder();
            boolean wildcard = false;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isWhitespace(c) || c == '(' || c == ')' || c == '"' || (inRange && (c == ']' || c == '}'))) break;
                pos++;
                if (c == '\\') {
                    if (pos == s.length()) throw error(pos - 1, "expected a character after '\\' but found the end of the query");
                    char escaped = s.charAt(pos++);
                    text.append(escaped);
                    if (escaped == '*' || escaped == '?' || escaped == '\\') pattern.append('\\');
                    pattern.append(escaped);
                } else {
                    if (c == '*' || c == '?') wildcard = true;
                    text.append(c);
                    pattern.append(c);
                }
            }
            if (text.isEmpty()) throw error(start, "expected a value but found " + found());
            return new Value(text.toString(), wildcard ? pattern.toString() : null, false, start);
        }

        private boolean keyword(String word) {
            if (!atKeyword(word)) return false;
            pos += word.length();
            return true;
        }

        private boolean atKeyword(String word) {
            skipWs();
            if (!s.startsWith(word, pos)) return false;
            int end = pos + word.length();
            return end == s.length() || Character.isWhitespace(s.charAt(end)) || s.charAt(end) == '(' || s.charAt(end) == '"';
        }

        private void skipWs() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private String found() {
            if (pos >= s.length()) return "the end of the query";
            int end = pos;
            while (end < s.length() && end - pos < 20 && !Character.isWhitespace(s.charAt(end))) end++;
            return "'" + s.substring(pos, Math.max(end, pos + 1)) + "'";
        }

        QuerySyntaxException error(int at, String problem) {
            return new QuerySyntaxException(s, at, problem);
        }

        private static boolean isFieldChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '@';
        }
    }

    /** A value as written: its text with escapes resolved, its wildcard pattern if unquoted with * or ?. */
    record Value(String text, String pattern, boolean quoted, int position) {
        boolean wildcard() {
            return pattern != null;
        }

        boolean isStar() {
            return !quoted && "*".equals(text);
        }
    }

    /** Builds a query exception at a position. */
    @FunctionalInterface
    interface Errors {
        QuerySyntaxException at(int position, String problem);
    }
}
