package dev.kiroku.store.query;

import dev.kiroku.store.FieldSpec;
import dev.kiroku.store.query.QueryParser.Errors;
import dev.kiroku.store.query.QueryParser.Value;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/** Turns written values into typed query leaves for a field, or explains why they do not fit it. */
final class Values {
    private static final java.util.regex.Pattern RELATIVE = java.util.regex.Pattern.compile("now(?:([-+])(\\d+)([smhdw]))?");
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final InstantSource clock;

    Values(InstantSource clock) {
        this.clock = clock;
    }

    /** {@code field:value} or, with {@code exact}, {@code field:=value}. */
    Query term(FieldSpec field, Value v, boolean exact, Errors errors) {
        return switch (field.type()) {
            case KEYWORD -> v.wildcard() && !exact
                    ? new Query.Pattern(field.name(), v.pattern(), v.position())
                    : new Query.Exact(field.name(), v.text(), v.position());
            case KEYWORD_TEXT -> {
                if (exact) yield new Query.Exact(field.name(), v.text(), v.position());
                if (v.wildcard()) yield new Query.Pattern(field.name(), v.pattern(), v.position());
                yield new Query.Words(List.of(field.wordsField()), v.text(), v.position());
            }
            case TEXT -> {
                if (exact) {
                    throw errors.at(v.position(), field.name() + " is searched by words; ':=' (exact value) needs a keyword field");
                }
                yield v.wildcard()
                        ? new Query.WordPattern(List.of(field.wordsField()), v.pattern().toLowerCase(Locale.ROOT), v.position())
                        : new Query.Words(List.of(field.wordsField()), v.text(), v.position());
            }
            case LONG -> {
                long n = number(field, v, errors);
                yield new Query.LongRange(field.name(), n, n, v.position());
            }
            case DATE -> new Query.TimeRange(field.name(), instant(field, v, false, errors), instant(field, v, true, errors), v.position());
            case IP -> ip(field, v, errors);
        };
    }

    /** A range; a null bound is open. */
    Query range(FieldSpec field, Value lower, boolean lowerInclusive, Value upper, boolean upperInclusive,
                int position, Errors errors) {
        return switch (field.type()) {
            case KEYWORD, KEYWORD_TEXT, TEXT -> throw errors.at(position,
                    "ranges need a number, time or IP field; " + field.name() + " is " + field.type().name().toLowerCase(Locale.ROOT).replace('_', '+'));
            case LONG -> {
                long min = lower == null ? Long.MIN_VALUE : number(field, lower, errors);
                long max = upper == null ? Long.MAX_VALUE : number(field, upper, errors);
                if (lower != null && !lowerInclusive) min = min == Long.MAX_VALUE ? min : min + 1;
                if (upper != null && !upperInclusive) max = max == Long.MIN_VALUE ? max : max - 1;
                yield new Query.LongRange(field.name(), min, max, position);
            }
            case DATE -> {
                Instant from = lower == null ? Instant.MIN : lowerInclusive ? instant(field, lower, false, errors)
                        : instant(field, lower, true, errors).plusNanos(1);
                Instant to = upper == null ? Instant.MAX : upperInclusive ? instant(field, upper, true, errors)
                        : instant(field, upper, false, errors).minusNanos(1);
                yield new Query.TimeRange(field.name(), from, to, position);
            }
            case IP -> {
                InetAddress from = lower == null ? null : address(field, lower, errors);
                InetAddress to = upper == null ? null : address(field, upper, errors);
                boolean v6 = (from != null && from.getAddress().length == 16) || (to != null && to.getAddress().length == 16);
                if (from == null) from = fromBytes(new byte[v6 ? 16 : 4]);
                if (to == null) {
                    byte[] max = new byte[v6 ? 16 : 4];
                    Arrays.fill(max, (byte) 0xFF);
                    to = fromBytes(max);
                }
                if (from.getAddress().length != to.getAddress().length) {
                    throw errors.at(position, "the bounds of an IP range must both be IPv4 or both IPv6");
                }
                if (lower != null && !lowerInclusive) from = step(from, 1);
                if (upper != null && !upperInclusive) to = step(to, -1);
                yield new Query.IpRange(field.name(), from, to, position);
            }
        };
    }

    private static long number(FieldSpec field, Value v, Errors errors) {
        try {
            return Long.parseLong(v.text());
        } catch (NumberFormatException e) {
            throw errors.at(v.position(), "expected a whole number for " + field.name() + " but found '" + v.text() + "'");
        }
    }

    /** An instant; a date without time stands for its whole UTC day (first or last nanosecond). */
    private Instant instant(FieldSpec field, Value v, boolean endOfSpan, Errors errors) {
        String t = v.text();
        Matcher relative = RELATIVE.matcher(t);
        if (relative.matches()) {
            Instant now = clock.instant();
            if (relative.group(1) == null) return now;
            long amount = Long.parseLong(relative.group(2));
            Duration unit = switch (relative.group(3)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            Duration offset = unit.multipliedBy(amount);
            return relative.group(1).equals("-") ? now.minus(offset) : now.plus(offset);
        }
        try {
            if (t.length() == 10) {
                LocalDate day = LocalDate.parse(t);
                Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                return endOfSpan ? start.plus(Duration.ofDays(1)).minusNanos(1) : start;
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) return java.time.OffsetDateTime.parse(t).toInstant();
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw errors.at(v.position(), "expected a time for " + field.name()
                    + " (2025-01-31, 2025-01-31T10:00:00Z or now-15m) but found '" + t + "'");
        }
    }

    private static Query ip(FieldSpec field, Value v, Errors errors) {
        if (v.wildcard()) {
            throw errors.at(v.position(), field.name() + " takes an address, a CIDR block (10.0.0.0/8) or a range [a TO b], not a wildcard");
        }
        String t = v.text();
        int slash = t.indexOf('/');
        if (slash < 0) {
            InetAddress a = address(field, v, errors);
            return new Query.IpRange(field.name(), a, a, v.position());
        }
        InetAddress base = address(field, new Value(t.substring(0, slash), null, v.quoted(), v.position()), errors);
        int bits = base.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw errors.at(v.position() + slash + 1, "expected a prefix length from 0 to " + bits + " after '/' but found '" + t.substring(slash + 1) + "'");
        }
        byte[] low = base.getAddress();
        byte[] high = base.getAddress();
        for (int i = prefix; i < bits; i++) {
            low[i / 8] &= (byte) ~(0x80 >>> (i % 8));
            high[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return new Query.IpRange(field.name(), fromBytes(low), fromBytes(high), v.position());
    }

    private static InetAddress address(FieldSpec field, Value v, Errors errors) {
        String t = v.text();
        boolean literal = IPV4.matcher(t).matches() || (t.indexOf(':') >= 0 && t.matches("[0-9a-fA-F:.]+"));
        if (literal) {
            try {
                return InetAddress.ofLiteral(t);
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
        }
        throw errors.at(v.position(), "expected an IPv4 or IPv6 address for " + field.name() + " but found '" + t + "'");
    }

    private static InetAddress step(InetAddress a, int delta) {
        byte[] bytes = a.getAddress();
        BigInteger n = new BigInteger(1, bytes).add(BigInteger.valueOf(delta));
        BigInteger max = BigInteger.ONE.shiftLeft(bytes.length * 8).subtract(BigInteger.ONE);
        if (n.signum() < 0) n = BigInteger.ZERO;
        if (n.compareTo(max) > 0) n = max;
        byte[] raw = n.toByteArray();
        byte[] out = new byte[bytes.length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return fromBytes(out);
    }

    private static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
