package dev.kiroku.store;

import java.util.List;

/**
 * The most frequent values of a field among the events a query matches.
 *
 * @param field      the field grouped by
 * @param top        most frequent first (ties by value), at most the requested size
 * @param otherCount how many (event, value) pairs fell outside the top buckets
 */
public record Terms(String field, List<TermCount> top, long otherCount) {
    public Terms {
        top = List.copyOf(top);
    }
}
