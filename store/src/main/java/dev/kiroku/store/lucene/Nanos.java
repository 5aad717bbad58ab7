package dev.kiroku.store.lucene;

import java.time.Instant;

/** Instants as epoch nanoseconds, the unit of time fields in the index; clamped at the long range. */
final class Nanos {
    private Nanos() {
    }

    static long of(Instant instant) {
        if (instant.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) return Long.MAX_VALUE;
        if (instant.getEpochSecond() <= Long.MIN_VALUE / 1_000_000_000L) return Long.MIN_VALUE;
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** @throws ArithmeticException when the instant is outside 1677..2262 */
    static long exactly(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    static Instant toInstant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
