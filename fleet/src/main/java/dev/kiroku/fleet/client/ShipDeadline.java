package dev.kiroku.fleet.client;

import java.time.Duration;

/**
 * How long an agent waits for a ship call's answer: at least {@link #FLOOR}, and longer while the server answers
 * slowly ({@link #FACTOR} × its slowest recent answer) or let calls expire (each expiry doubles the wait), up to
 * {@link #CEILING}. With a fixed deadline an overloaded server finished calls after their callers had given up,
 * every agent sent its batch again and the server spent its time on resends (docs/performance.md, fleet, session 6);
 * a deadline that follows the server's pace waits for the answer instead. Halves back towards the floor as
 * answers come quickly again. Thread-safe.
 */
final class ShipDeadline {
    static final Duration FLOOR = Duration.ofSeconds(60);
    static final Duration CEILING = Duration.ofMinutes(10);
    static final int FACTOR = 4;

    private long nanos = FLOOR.toNanos();

    /** The deadline for the next call. */
    synchronized Duration next() {
        return Duration.ofNanos(nanos);
    }

    /** A call was answered after {@code took}. */
    synchronized void answered(Duration took) {
        long wanted = Math.max(FLOOR.toNanos(), saturatedTimes(took.toNanos(), FACTOR));
        nanos = Math.min(CEILING.toNanos(), Math.max(wanted, nanos / 2));
    }

    /** A call's deadline passed before its answer came. */
    synchronized void expired() {
        nanos = Math.min(CEILING.toNanos(), saturatedTimes(nanos, 2));
    }

    private static long saturatedTimes(long value, int factor) {
        return value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
    }
}
