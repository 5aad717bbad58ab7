package dev.kiroku.store;

import dev.kiroku.store.query.Query;
import dev.kiroku.store.query.QueryParser;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What to look for: a parsed query, an optional time window (which also selects the partitions
 * searched), how many hits a page holds, and where the previous page ended.
 *
 * @param text  the query as written (for display); "" for every event
 * @param query the parsed query
 * @param from  earliest {@code @timestamp}, inclusive; null for no bound
 * @param to    latest {@code @timestamp}, exclusive; null for no bound
 * @param limit hits per page, 1..10000
 * @param after the sort position of the last hit of the previous page; null for the first page
 */
public record EventQuery(String text, Query query, Instant from, Instant to, int limit, SortPosition after) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public EventQuery {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(query, "query");
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + " but is " + limit);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("time window is empty: from " + from + " is not before to " + to);
        }
    }

    /**
     * Parses a query in the Kiroku query language; {@code now} in it is read from the clock.
     *
     * @throws dev.kiroku.store.query.QuerySyntaxException naming position and expectation
     */
    public static EventQuery parse(String text, InstantSource clock) {
        return new EventQuery(text, new QueryParser(clock).parse(text), null, null, DEFAULT_LIMIT, null);
    }

    /** Every event. */
    public static EventQuery all() {
        return new EventQuery("", new Query.All(), null, null, DEFAULT_LIMIT, null);
    }

    public EventQuery between(Instant newFrom, Instant newTo) {
        return new EventQuery(text, query, newFrom, newTo, limit, after);
    }

    public EventQuery limit(int newLimit) {
        return new EventQuery(text, query, from, to, newLimit, after);
    }

    /** The next page after a hit at this position. */
    public EventQuery after(SortPosition position) {
        return new EventQuery(text, query, from, to, limit, position);
    }
}
