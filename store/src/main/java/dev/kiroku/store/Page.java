package dev.kiroku.store;

import java.util.List;

/**
 * One page of hits, newest first.
 *
 * @param hits  at most the query's limit
 * @param next  where the next page starts (pass to {@link EventQuery#after}); null when this page is the last
 */
public record Page(List<Hit> hits, SortPosition next) {
    public Page {
        hits = List.copyOf(hits);
    }

    public boolean hasMore() {
        return next != null;
    }
}
