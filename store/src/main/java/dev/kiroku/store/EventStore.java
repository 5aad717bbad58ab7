package dev.kiroku.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where recorded events are kept and searched. Implementations: {@code LuceneEventStore} (embedded),
 * later OpenSearch. All of them pass {@code EventStoreContract}.
 *
 * <p>Identity is (agent id, sequence): storing the same event twice stores it once, so a sender may
 * retry any batch. Appended events become visible to searches after {@link #commit()} (or the
 * implementation's refresh interval) and durable once {@link #commit()} returns.
 *
 * <p>Query errors are {@link dev.kiroku.store.query.QuerySyntaxException}s raised when the
 * {@link EventQuery} is parsed or, for back-end limits, when it is run. Write failures are
 * {@link StoreUnavailableException}s carrying the {@link #status()}.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Stores the events not yet stored. Never fails a batch for one bad event: those are returned
     * as rejected.
     *
     * @throws StoreUnavailableException when the store cannot write (disk full, I/O error)
     */
    AppendResult append(List<dev.kiroku.event.Event> events);

    /**
     * Makes everything appended so far durable and visible to searches.
     *
     * @throws StoreUnavailableException when it cannot (disk full); what was committed before is intact
     */
    void commit();

    /**
     * Completes once everything appended before this call is visible to searches, at the implementation's next
     * refresh (it forces none). The default commits, which makes it so at once.
     *
     * @throws StoreUnavailableException from the default's commit
     */
    default CompletableFuture<Void> whenSearchable() {
        commit();
        return CompletableFuture.completedFuture(null);
    }

    /** A page of matching events, newest first. */
    Page search(EventQuery query);

    /** How many events match (exactly); the query's limit and cursor are ignored. */
    long count(EventQuery query);

    /** The {@code size} most frequent values of an aggregatable field among matching events. */
    Terms terms(EventQuery query, String field, int size);

    /** Matching events counted per time bucket of {@code interval}, aligned to the epoch, ascending, empty buckets omitted. */
    List<HistogramBucket> histogram(EventQuery query, Duration interval);

    /** What is stored and missing of an agent's sequence within {@code from..to} (inclusive). */
    SequenceGaps sequenceGaps(String agentId, long from, long to);

    /**
     * Deletes every partition whose events are all older than {@code cutoff}; the partition that
     * contains the cutoff is kept whole.
     *
     * @return the UTC days deleted
     */
    List<LocalDate> deleteBefore(Instant cutoff);

    StoreStatus status();

    @Override
    void close();
}
