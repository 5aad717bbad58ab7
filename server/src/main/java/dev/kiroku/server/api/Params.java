package dev.kiroku.server.api;

import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Request parameters every route reads the same way: instants, numbers, time windows and expiries. Each error is an
 * {@link IllegalArgumentException} that names the parameter and the value given; the API answers it with 400.
 */
public final class Params {
    private Params() {
    }

    /** An ISO-8601 instant, or null when the parameter is absent or blank. */
    public static Instant instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not an ISO-8601 instant: " + value);
        }
    }

    /** A whole number, or {@code absent} when the text is absent or blank. */
    public static long number(String value, String name, long absent) {
        if (value == null || value.isBlank()) return absent;
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not a number: " + value);
        }
    }

    /** A query parameter as a whole number in {@code min..max}, or {@code absent}. */
    public static long number(Context ctx, String name, long absent, long min, long max) {
        long value = number(ctx.queryParam(name), name, absent);
        if (value < min || value > max) throw new IllegalArgumentException("parameter '" + name + "' must be " + min + ".." + max + ", not " + value);
        return value;
    }

    /**
     * The start of a window: {@code from} (ISO-8601) or {@code last} (a duration such as 15m) before {@code end},
     * never both; {@code defaultLast} when neither is given (null: no start).
     */
    public static Instant windowStart(Context ctx, Instant end, String defaultLast) {
        Instant from = instant(ctx, "from");
        String last = ctx.queryParam("last");
        boolean hasLast = last != null && !last.isBlank();
        if (from != null && hasLast) throw new IllegalArgumentException("give either 'last' or 'from', not both");
        if (from != null) return from;
        if (hasLast) return end.minus(Durations.parse(last));
        return defaultLast == null ? null : end.minus(Durations.parse(defaultLast));
    }

    /**
     * An expiry: a duration from {@code now} ({@code 24h}, {@code 7d}) or an ISO-8601 instant; null when absent or
     * blank.
     */
    public static Instant expiry(String value, String name, Instant now) {
        if (value == null || value.isBlank()) return null;
        String text = value.strip();
        try {
            return Character.isDigit(text.charAt(0)) && text.contains("T") ? Instant.parse(text) : now.plus(Durations.parse(text));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' must be a duration (24h, 7d) or an ISO-8601 instant, not '" + text + "'");
        }
    }
}
