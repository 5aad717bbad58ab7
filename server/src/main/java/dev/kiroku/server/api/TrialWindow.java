package dev.kiroku.server.api;

import io.javalin.http.Context;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The window and result size of a test over the recorded history (a Sigma rule, an indicator file): {@code last}
 * (default 24h) or {@code from}/{@code to} (ISO-8601; {@code to} defaults to now), and {@code limit} (default 20,
 * at most 200) matched events to return.
 */
public record TrialWindow(Instant from, Instant to, int limit) {
    public static final int MAX_LIMIT = 200;

    /** @throws IllegalArgumentException naming the parameter that is wrong */
    public static TrialWindow of(Context ctx, InstantSource clock) {
        Instant to = Params.instant(ctx, "to");
        if (to == null) to = clock.instant();
        Instant from = Params.windowStart(ctx, to, "24h");
        if (!from.isBefore(to)) throw new IllegalArgumentException("the window is empty: 'from' " + from + " is not before 'to' " + to);
        return new TrialWindow(from, to, (int) Params.number(ctx, "limit", 20, 0, MAX_LIMIT));
    }
}
