package dev.kiroku.store;

import java.time.Instant;

/** Events in {@code [start, start + interval)}. */
public record HistogramBucket(Instant start, long count) {
}
