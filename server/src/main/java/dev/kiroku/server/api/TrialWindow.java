package dev.kiroku.server.api;

import io.javalin.http.Context;

import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;

/**
 * The window and result size of a test over the recorded history (a Sigma rule, an indicator file): {@code last}
 * (default 24h) or {@code from}/{@code to} (ISO-8601; {@code to} defaults to now), and {@code limit} (default 20,
 * at most 200) matched events to return.
 */
public record TrialWindow(Instant from, Instant to, int limit) {
    public static final int MAX_LIMIT = 200;

    /** @throws IllegalArgumentException naming the parameter that is wrong */
    public static TrialWindow of(Context ctx, InstantSource clock) {
        Instant to = instant(ctx, "to");
        if (to == null) to = clock.instant();
        Instant from = instant(ctx, "from");
        String last = ctx.queryParam("last");
        if (from != null && last != null) throw new IllegalArgumentException("give either 'last' or 'from', not both");
        if (from == null) from = to.minus(Durations.parse(last == null || last.isBlank() ? "24h" : last));
        if (!from.isBefore(to)) throw new IllegalArgumentException("the window is empty: 'from' " + from + " is not before 'to' " + to);
        String limitText = ctx.queryParam("limit");
        long limit;
        try {
            limit = limitText == null || limitText.isBlank() ? 20 : Long.parseLong(limitText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit is not a number: " + limitText);
        }
        if (limit < 0 || limit > MAX_LIMIT) throw new IllegalArgumentException("'limit' must be 0.." + MAX_LIMIT + ", not " + limit);
        return new TrialWindow(from, to, (int) limit);
    }

    private static Instant instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("parameter '" + name + "' is not an ISO-8601 instant: " + value);
        }
    }
}
