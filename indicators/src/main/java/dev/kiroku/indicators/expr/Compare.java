package dev.kiroku.indicators.expr;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One field test: true when any value of any of the field's ECS fields satisfies the operator
 * against the indicator value; false when none does (including when the event lacks the fields).
 * The value is checked when the comparison is built: an invalid regex, number or address throws
 * IllegalArgumentException naming it.
 */
public final class Compare implements Condition {
    private final Field field;
    private final Operator operator;
    private final String value;
    private final boolean caseSensitive;
    private final Predicate<String> test;

    public Compare(Field field, Operator operator, String value, boolean caseSensitive) {
        this.field = Objects.requireNonNull(field, "field");
        this.operator = Objects.requireNonNull(operator, "operator");
        this.value = Objects.requireNonNull(value, "value");
        this.caseSensitive = caseSensitive;
        this.test = compile();
    }

    public Field field() {
        return field;
    }

    public Operator operator() {
        return operator;
    }

    public String value() {
        return value;
    }

    public boolean caseSensitive() {
        return caseSensitive;
    }

    /** Whether one field value satisfies the comparison. */
    public boolean test(String candidate) {
        return test.test(candidate);
    }

    @Override
    public Truth evaluate(EventView event) {
        for (String ecsField : field.ecsFields()) {
            if (event.anyValue(ecsField, test)) return Truth.TRUE;
        }
        return Truth.FALSE;
    }

    @Override
    public boolean mayBeTrue() {
        return true;
    }

    @Override
    public boolean mayBeFalse() {
        return true;
    }

    private Predicate<String> compile() {
        String needle = caseSensitive ? value : value.toLowerCase(Locale.ROOT);
        return switch (operator) {
            case IS -> caseSensitive ? value::equals : value::equalsIgnoreCase;
            case CONTAINS -> c -> fold(c).contains(needle);
            case STARTS_WITH -> c -> c.regionMatches(!caseSensitive, 0, value, 0, value.length());
            case ENDS_WITH -> c -> c.length() >= value.length()
                    && c.regionMatches(!caseSensitive, c.length() - value.length(), value, 0, value.length());
            case MATCHES -> {
                Pattern pattern = regex(value, caseSensitive);
                yield c -> pattern.matcher(c).find();
            }
            case GREATER_THAN, GREATER_OR_EQUAL, LESS_THAN, LESS_OR_EQUAL -> numeric(number(value));
            case IN_CIDR -> {
                IpRange range = IpRange.parse(value);
                yield range::contains;
            }
            case EXISTS -> c -> true;
            case DOMAIN_OR_SUBDOMAIN -> {
                String domain = Domains.normalize(value);
                if (domain.isEmpty()) throw new IllegalArgumentException("empty domain");
                yield c -> Domains.isSameOrSubdomain(Domains.normalize(c), domain);
            }
        };
    }

    private String fold(String candidate) {
        return caseSensitive ? candidate : candidate.toLowerCase(Locale.ROOT);
    }

    private Predicate<String> numeric(double bound) {
        return c -> {
            Double n = parseNumber(c);
            if (n == null) return false;
            return switch (operator) {
                case GREATER_THAN -> n > bound;
                case GREATER_OR_EQUAL -> n >= bound;
                case LESS_THAN -> n < bound;
                case LESS_OR_EQUAL -> n <= bound;
                default -> throw new IllegalStateException(operator.name());
            };
        };
    }

    /** Compiles a regex of an indicator, refusing invalid ones with the regex and the position. */
    public static Pattern regex(String regex, boolean caseSensitive) {
        try {
            return Pattern.compile(regex, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression at index " + e.getIndex() + ": " + e.getDescription());
        }
    }

    private static double number(String text) {
        Double n = parseNumber(text);
        if (n == null) throw new IllegalArgumentException("not a number: " + text);
        return n;
    }

    private static Double parseNumber(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compare c && c.field.equals(field) && c.operator == operator && c.value.equals(value)
                && c.caseSensitive == caseSensitive;
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, operator, value, caseSensitive);
    }

    @Override
    public String toString() {
        return field.term() + " " + operator.name().toLowerCase(Locale.ROOT) + " '" + value + "'" + (caseSensitive ? " (case-sensitive)" : "");
    }
}
