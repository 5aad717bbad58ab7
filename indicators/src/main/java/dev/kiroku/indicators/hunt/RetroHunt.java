package dev.kiroku.indicators.hunt;

import dev.kiroku.event.Event;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.match.IndicatorHit;
import dev.kiroku.indicators.match.LiveMatcher;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Sweeps stored history with indicators: each indicator is translated into a store query
 * ({@link QueryTranslator}); indicators are hunted in groups whose queries are OR-ed (a disjunction of more
 * than {@value #MAX_TERMS} field terms is run as several store queries whose events are joined), and every
 * event found is re-checked with a {@link LiveMatcher} over the group, in time order, so results equal what
 * live matching would have raised (multi-event STIX patterns included). Hits are marked retrospective.
 *
 * <p>The server calls {@link #huntAfterImport} when indicators arrive, over its retention window.
 */
public final class RetroHunt {
    /** Indicators per store query (keeps each query under Lucene's clause limit). */
    static final int GROUP = 64;
    /** Field terms per store query, well under Lucene's default limit of 1024 clauses. */
    static final int MAX_TERMS = 400;
    /** Events per store page: every page runs the query again (multi-term rewrites included), so as many as allowed. */
    private static final int PAGE = EventQuery.MAX_LIMIT;

    private final EventStore store;
    private final InstantSource clock;
    private final long maxEvents;

    /**
     * @param store     the event store to sweep
     * @param clock     for "now" (the end of the window, and indicator expiry)
     * @param maxEvents at most this many events are examined per hunt; the result says when it stopped early
     */
    public RetroHunt(EventStore store, InstantSource clock, long maxEvents) {
        this.store = store;
        this.clock = clock;
        this.maxEvents = maxEvents;
    }

    public RetroHunt(EventStore store) {
        this(store, InstantSource.system(), 5_000_000);
    }

    /**
     * What a hunt found.
     *
     * @param hits            every hit, oldest first, each marked retrospective
     * @param queries         the store queries run (for display)
     * @param eventsExamined  events the queries returned and that were re-checked
     * @param truncated       true when the hunt stopped at the event limit
     * @param took            wall time
     */
    public record Result(List<IndicatorHit> hits, List<String> queries, long eventsExamined, boolean truncated, Duration took) {
    }

    /** Hunts the evaluable indicators over events with {@code from <= @timestamp < to}. */
    public Result hunt(Collection<Indicator> indicators, Instant from, Instant to) {
        long start = System.nanoTime();
        List<Indicator> live = indicators.stream().filter(Indicator::evaluable).filter(i -> !i.expiredAt(clock.instant())).toList();
        List<Indicator> narrowed = new ArrayList<>();
        List<Indicator> open = new ArrayList<>();
        for (Indicator i : live) {
            String q = QueryTranslator.translate(i).orElse(null);
            if (q == null) continue;
            (q.equals("*") ? open : narrowed).add(i);
        }
        List<IndicatorHit> hits = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        long[] examined = {0};
        boolean truncated = false;
        for (int g = 0; g < narrowed.size() && !truncated; g += GROUP) {
            truncated = group(narrowed.subList(g, Math.min(narrowed.size(), g + GROUP)), from, to, hits, queries, examined);
        }
        if (!open.isEmpty() && !truncated) truncated = group(open, from, to, hits, queries, examined);
        hits.sort(Comparator.comparing(IndicatorHit::timestamp));
        return new Result(hits, queries, examined[0], truncated, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One indicator over the window. */
    public Result hunt(Indicator indicator, Instant from, Instant to) {
        return hunt(List.of(indicator), from, to);
    }

    /**
     * Runs a hunt over the last {@code retention} in the background, handing each hit (marked
     * retrospective) to {@code onHit}; the server calls this after every import.
     */
    public CompletableFuture<Result> huntAfterImport(Collection<Indicator> imported, Duration retention,
                                                     Consumer<IndicatorHit> onHit, Executor executor) {
        List<Indicator> copy = List.copyOf(imported);
        return CompletableFuture.supplyAsync(() -> {
            Instant now = clock.instant();
            Result result = hunt(copy, now.minus(retention), now.plusSeconds(1));
            result.hits().forEach(onHit);
            return result;
        }, executor);
    }

    private boolean group(List<Indicator> indicators, Instant from, Instant to, List<IndicatorHit> hits,
                          List<String> queries, long[] examined) {
        StoreQuery union = StoreQuery.or(indicators.stream().map(i -> QueryTranslator.query(i.condition())).toList());
        List<String> texts = union.chunks(MAX_TERMS);
        java.util.Map<String, Event> found = new java.util.LinkedHashMap<>();
        boolean truncated = false;
        for (String text : texts) {
            queries.add(text);
            EventQuery query = (text.equals("*") ? EventQuery.all() : EventQuery.parse(text, clock)).between(from, to).limit(PAGE);
            while (!truncated) {
                Page page = store.search(query);
                for (Hit hit : page.hits()) {
                    Event e = hit.event();
                    found.putIfAbsent(e.agentId() + '\u0000' + e.sequence(), e); // an event two chunks found counts once
                }
                examined[0] += page.hits().size();
                if (examined[0] >= maxEvents) {
                    truncated = page.hasMore();
                    break;
                }
                if (!page.hasMore()) break;
                query = query.after(page.next());
            }
        }
        List<Event> events = new ArrayList<>(found.values());
        events.sort(Comparator.comparing(Event::timestamp).thenComparing(Event::agentId).thenComparingLong(Event::sequence));
        LiveMatcher matcher = LiveMatcher.build(indicators, clock);
        for (Event event : events) {
            for (IndicatorHit hit : matcher.match(event)) hits.add(new IndicatorHit(hit.indicator(), hit.event(), true));
        }
        return truncated;
    }
}
