package dev.kiroku.indicators.stix;

import dev.kiroku.indicators.expr.Condition;
import dev.kiroku.indicators.expr.EcsTerms;
import dev.kiroku.indicators.expr.IpRange;
import dev.kiroku.indicators.expr.Operator;
import dev.kiroku.indicators.stix.StixLexer.Kind;
import dev.kiroku.indicators.stix.StixLexer.Token;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the STIX 2.1 patterning language. Comparison expressions become
 * {@link Condition}s over ECS fields ({@link StixPaths}); object paths Kiroku does not record become
 * {@link Condition.Unsupported}. Observation operators (AND, OR, FOLLOWEDBY) and qualifiers (WITHIN,
 * REPEATS, START/STOP) become the {@link Observation} tree. Syntax errors, and operators Kiroku cannot
 * apply, are {@link StixPatternException}s with the 0-based position.
 *
 * <p>Comparison semantics: {@code =} on strings is case-sensitive except for hashes and domain names;
 * {@code =} with a CIDR range on an address path means "inside the range" (as ISSUBSET);
 * {@code >, <, >=, <=} are numeric; {@code LIKE} ({@code %}, {@code _}) and {@code MATCHES} (Java regex,
 * searched anywhere) are case-sensitive; {@code ISSUBSET} tests an address against a range;
 * {@code ISSUPERSET} is only meaningful for a single address (Kiroku observes addresses, not ranges);
 * {@code a != v} is true when the field has a value other than v; {@code NOT} negates a comparison;
 * {@code EXISTS} tests for a value.
 */
public final class StixPatternParser {
    private List<Token> tokens;
    private int at;
    private final List<Condition> leaves = new ArrayList<>();

    /** The parsed pattern: its observation tree and the single-event conditions of its leaves. */
    public record Parsed(String text, Observation root, List<Condition> leaves) {
    }

    public static Parsed parse(String pattern) throws StixPatternException {
        return new StixPatternParser().run(pattern);
    }

    private Parsed run(String pattern) throws StixPatternException {
        tokens = StixLexer.tokens(pattern);
        at = 0;
        Observation root = followedBy();
        if (peek().kind() != Kind.END) throw error("expected AND, OR, FOLLOWEDBY or a qualifier");
        return new Parsed(pattern, root, List.copyOf(leaves));
    }

    private Observation followedBy() throws StixPatternException {
        List<Observation> parts = new ArrayList<>(List.of(observationOr()));
        while (peek().isWord("FOLLOWEDBY")) {
            at++;
            parts.add(observationOr());
        }
        return parts.size() == 1 ? parts.getFirst() : new Observation.FollowedBy(parts);
    }

    private Observation observationOr() throws StixPatternException {
        List<Observation> parts = new ArrayList<>(List.of(observationAnd()));
        while (peek().isWord("OR")) {
            at++;
            parts.add(observationAnd());
        }
        return parts.size() == 1 ? parts.getFirst() : new Observation.Or(parts);
    }

    private Observation observationAnd() throws StixPatternException {
        List<Observation> parts = new ArrayList<>(List.of(qualified()));
        while (peek().isWord("AND")) {
            at++;
            parts.add(qualified());
        }
        return parts.size() == 1 ? parts.getFirst() : new Observation.And(parts);
    }

    private Observation qualified() throws StixPatternException {
        Observation o;
        Token t = peek();
        if (t.kind() == Kind.LBRACKET) {
            at++;
            Condition comparison = comparisonOr();
            expect(Kind.RBRACKET, "']' closing the observation");
            leaves.add(comparison);
            o = new Observation.Leaf(comparison, leaves.size() - 1);
        } else if (t.kind() == Kind.LPAREN) {
            at++;
            o = followedBy();
            expect(Kind.RPAREN, "')'");
        } else {
            throw error("expected '[' or '(' starting an observation expression");
        }
        while (true) {
            Token q = peek();
            if (q.isWord("WITHIN")) {
                at++;
                Token n = expect(Kind.NUMBER, "a number of seconds after WITHIN");
                double seconds = Double.parseDouble(n.text());
                if (seconds <= 0) throw new StixPatternException(n.position(), "WITHIN needs a positive number of seconds");
                expectWord("SECONDS");
                o = new Observation.Within(o, seconds);
            } else if (q.isWord("REPEATS")) {
                at++;
                Token n = expect(Kind.NUMBER, "a count after REPEATS");
                int times;
                try {
                    times = Integer.parseInt(n.text());
                } catch (NumberFormatException e) {
                    throw new StixPatternException(n.position(), "REPEATS needs a positive integer");
                }
                if (times < 1) throw new StixPatternException(n.position(), "REPEATS needs a positive integer");
                expectWord("TIMES");
                o = new Observation.Repeats(o, times);
            } else if (q.isWord("START")) {
                at++;
                Instant start = timestamp();
                expectWord("STOP");
                Instant stop = timestamp();
                if (!start.isBefore(stop)) throw new StixPatternException(q.position(), "START must be before STOP");
                o = new Observation.StartStop(o, start, stop);
            } else {
                return o;
            }
        }
    }

    private Instant timestamp() throws StixPatternException {
        Token t = expect(Kind.TIMESTAMP, "a timestamp t'…'");
        try {
            return Instant.parse(t.text());
        } catch (DateTimeParseException e) {
            throw new StixPatternException(t.position(), "invalid timestamp '" + t.text() + "' (RFC 3339 UTC expected)");
        }
    }

    private Condition comparisonOr() throws StixPatternException {
        List<Condition> parts = new ArrayList<>(List.of(comparisonAnd()));
        while (peek().isWord("OR")) {
            at++;
            parts.add(comparisonAnd());
        }
        return parts.size() == 1 ? parts.getFirst() : new Condition.Any(parts);
    }

    private Condition comparisonAnd() throws StixPatternException {
        List<Condition> parts = new ArrayList<>(List.of(propertyTest()));
        while (peek().isWord("AND")) {
            at++;
            parts.add(propertyTest());
        }
        return parts.size() == 1 ? parts.getFirst() : new Condition.All(parts);
    }

    private Condition propertyTest() throws StixPatternException {
        if (peek().kind() == Kind.LPAREN) {
            at++;
            Condition inner = comparisonOr();
            expect(Kind.RPAREN, "')'");
            return inner;
        }
        if (peek().isWord("EXISTS")) {
            at++;
            Path path = objectPath();
            return build(path, Operator.EXISTS, "", peek().position());
        }
        Path path = objectPath();
        boolean not = false;
        if (peek().isWord("NOT")) {
            at++;
            not = true;
        }
        Token op = next();
        Condition test = switch (op.kind() == Kind.OP ? op.text() : op.kind() == Kind.WORD ? op.text() : "") {
            case "=" -> equality(path, literal(), op.position());
            case "!=" -> {
                Condition equal = equality(path, literal(), op.position());
                yield new Condition.All(List.of(build(path, Operator.EXISTS, "", op.position()), new Condition.Not(equal)));
            }
            case ">" -> build(path, Operator.GREATER_THAN, number(), op.position());
            case "<" -> build(path, Operator.LESS_THAN, number(), op.position());
            case ">=" -> build(path, Operator.GREATER_OR_EQUAL, number(), op.position());
            case "<=" -> build(path, Operator.LESS_OR_EQUAL, number(), op.position());
            case "IN" -> in(path, op.position());
            case "LIKE" -> build(path, Operator.MATCHES, like(expect(Kind.STRING, "a string after LIKE").text()), op.position());
            case "MATCHES" -> build(path, Operator.MATCHES, expect(Kind.STRING, "a regular expression string after MATCHES").text(), op.position());
            case "ISSUBSET" -> subset(path, expect(Kind.STRING, "an address range after ISSUBSET"));
            case "ISSUPERSET" -> superset(path, expect(Kind.STRING, "an address after ISSUPERSET"));
            default -> throw new StixPatternException(op.position(),
                    "expected a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) but found '" + op.text() + "'");
        };
        return not ? new Condition.Not(test) : test;
    }

    private record Path(String type, String path, int position) {
    }

    private Path objectPath() throws StixPatternException {
        Token type = expect(Kind.WORD, "an object path (type:property)");
        expect(Kind.COLON, "':' after the object type '" + type.text() + "'");
        StringBuilder path = new StringBuilder();
        while (true) {
            Token t = next();
            if (t.kind() == Kind.WORD) path.append(t.text());
            else if (t.kind() == Kind.STRING) path.append(t.text());
            else throw new StixPatternException(t.position(), "expected a property name but found '" + t.text() + "'");
            while (peek().kind() == Kind.LBRACKET && lookahead(1).kind() != Kind.END
                    && (lookahead(1).kind() == Kind.STAR || lookahead(1).kind() == Kind.NUMBER) && lookahead(2).kind() == Kind.RBRACKET) {
                path.append('[').append(lookahead(1).text()).append(']');
                at += 3;
            }
            if (peek().kind() != Kind.DOT) break;
            at++;
            path.append('.');
        }
        return new Path(type.text(), path.toString(), type.position());
    }

    private Condition equality(Path path, Token value, int position) throws StixPatternException {
        StixPaths.Mapping mapping = StixPaths.lookup(path.type(), path.path());
        if (mapping != null && mapping.kind() == StixPaths.ValueKind.IP) {
            return build(path, Operator.IN_CIDR, value.text(), position);
        }
        return build(path, Operator.IS, value.text(), position);
    }

    private Condition in(Path path, int position) throws StixPatternException {
        expect(Kind.LPAREN, "'(' starting the IN set");
        List<Condition> options = new ArrayList<>();
        do {
            options.add(equality(path, literal(), position));
        } while (peek().kind() == Kind.COMMA && next() != null);
        expect(Kind.RPAREN, "')' closing the IN set");
        return options.size() == 1 ? options.getFirst() : new Condition.Any(options);
    }

    private Condition subset(Path path, Token range) throws StixPatternException {
        rangeOf(range);
        return build(path, Operator.IN_CIDR, range.text(), range.position());
    }

    private Condition superset(Path path, Token value) throws StixPatternException {
        IpRange range = rangeOf(value);
        if (range.prefix() != range.address().length * 8) {
            return new Condition.Unsupported(path.type() + ":" + path.path(),
                    "ISSUPERSET of a range: Kiroku observes single addresses, which contain no range");
        }
        return build(path, Operator.IN_CIDR, value.text(), value.position());
    }

    private static IpRange rangeOf(Token t) throws StixPatternException {
        try {
            return IpRange.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw new StixPatternException(t.position(), e.getMessage());
        }
    }

    /** Builds a comparison; an invalid value for the operator is a pattern error at its position. */
    private Condition build(Path path, Operator operator, String value, int position) throws StixPatternException {
        StixPaths.Mapping mapping = StixPaths.lookup(path.type(), path.path());
        String term = path.type() + ":" + path.path();
        if (mapping == null) return new Condition.Unsupported(term, "Kiroku records nothing that answers " + term);
        boolean caseSensitive = mapping.kind() == StixPaths.ValueKind.CASE_SENSITIVE;
        Condition c = EcsTerms.compare(mapping.field(), operator, value, caseSensitive);
        if (c instanceof Condition.Unsupported u && !u.reason().startsWith("Kiroku records none")) {
            throw new StixPatternException(position, term + ": " + u.reason());
        }
        return c;
    }

    private Token literal() throws StixPatternException {
        Token t = next();
        return switch (t.kind()) {
            case STRING, NUMBER, HEX -> t;
            case WORD -> {
                if (t.text().equals("true") || t.text().equals("false")) yield t;
                throw new StixPatternException(t.position(), "expected a literal value but found '" + t.text() + "'");
            }
            case TIMESTAMP, BINARY -> throw new StixPatternException(t.position(), "timestamp and binary literals are not comparable with recorded fields");
            default -> throw new StixPatternException(t.position(), "expected a literal value but found '" + t.text() + "'");
        };
    }

    private String number() throws StixPatternException {
        Token t = next();
        if (t.kind() != Kind.NUMBER) throw new StixPatternException(t.position(),
                "Kiroku compares with <, >, <=, >= only numbers, found '" + t.text() + "'");
        return t.text();
    }

    /** LIKE to an anchored regex: {@code %} any run, {@code _} one character, the rest literal. */
    static String like(String like) {
        StringBuilder regex = new StringBuilder("^");
        for (char c : like.toCharArray()) {
            if (c == '%') regex.append(".*");
            else if (c == '_') regex.append('.');
            else if (Character.isLetterOrDigit(c) || c == ' ') regex.append(c);
            else regex.append('\\').append(c);
        }
        return regex.append('$').toString();
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token lookahead(int n) {
        return tokens.get(Math.min(at + n, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.END) at++;
        return t;
    }

    private Token expect(Kind kind, String what) throws StixPatternException {
        Token t = peek();
        if (t.kind() != kind) throw error("expected " + what);
        at++;
        return t;
    }

    private void expectWord(String word) throws StixPatternException {
        if (!peek().isWord(word)) throw error("expected " + word);
        at++;
    }

    private StixPatternException error(String expected) {
        Token t = peek();
        return new StixPatternException(t.position(), expected + " but found " + (t.kind() == Kind.END ? "the end of the pattern" : "'" + t.text() + "'"));
    }
}
