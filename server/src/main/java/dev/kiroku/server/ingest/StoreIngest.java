package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The server's ingest: stores each delivered batch and makes it durable before returning, so the
 * agent acknowledges only what is durable. Two ways to be durable:
 * <ul>
 *   <li>with a {@link WriteAheadLog} ({@link #withLog}, the server's way): the batch is appended to the
 *       store, written to the log and fsync'ed (fsyncs shared by concurrent batches); the store commits
 *       every {@link #CHECKPOINT_EVERY} ({@link LogCheckpoints}) and the log is replayed after a crash. Searches see
 *       the batch after the store's next refresh (its refresh interval: {@link #REFRESH_EVERY} in the server).</li>
 *   <li>without one: every batch waits for a store commit, shared by concurrent batches ({@link GroupCommit}).</li>
 * </ul>
 * Events the store rejects are counted and reported, and do not fail the batch; a store or log that
 * cannot write fails the delivery, so the agent keeps the batch.
 *
 * <p>Batches are appended one at a time ({@link SerialAppends}), however many wait for durability, so the
 * index grows one in-memory segment per refresh rather than one per appending thread.
 */
public final class StoreIngest implements EventSink, BatchReceiver, AutoCloseable {
    /** How often the store commits when a write-ahead log makes batches durable. */
    public static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);
    /**
     * How often the server's store makes new events searchable. Each refresh flushes the events appended since the
     * previous one as a new segment, which later merges rewrite: under ingest, flushing and merging small segments
     * cost more than indexing itself (docs/performance.md, fleet, session 7). Two seconds keep the ingest-to-searchable
     * p99 target (5 s) with room for the queueing in front of the store.
     */
    public static final Duration REFRESH_EVERY = Duration.ofSeconds(2);

    private final EventStore store;
    private final Consumer<List<Event>> afterStore;
    private final GroupCommit commits;
    private final WriteAheadLog log;
    private final LogCheckpoints checkpoints;
    private final SerialAppends appends;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();

    /**
     * Commits the store for every batch (shared by concurrent batches).
     *
     * @param afterStore sees every batch once it is durable (the detection pipeline)
     */
    public StoreIngest(EventStore store, Consumer<List<Event>> afterStore) {
        this(store, afterStore, GroupCommit.GATHER);
    }

    /** @param gather how long a commit waits after the previous one for more batches to join it */
    StoreIngest(EventStore store, Consumer<List<Event>> afterStore, Duration gather) {
        this.store = store;
        this.afterStore = afterStore;
        this.commits = new GroupCommit(store, gather);
        this.appends = new SerialAppends(store);
        this.log = null;
        this.checkpoints = null;
    }

    private StoreIngest(EventStore store, Consumer<List<Event>> afterStore, WriteAheadLog log, Duration checkpointEvery) {
        this.store = store;
        this.afterStore = afterStore;
        this.commits = null;
        this.appends = new SerialAppends(store);
        this.log = log;
        this.checkpoints = LogCheckpoints.start(store, log, checkpointEvery);
    }

    /**
     * Makes batches durable in a write-ahead log under {@code logDirectory} and commits the store every
     * {@code checkpointEvery}. Batches a crash left in the log are first appended to the store again
     * and committed (the store keeps each event once).
     *
     * @throws IOException when the log cannot be opened or replayed
     */
    public static StoreIngest withLog(EventStore store, Path logDirectory, Duration checkpointEvery,
                                      Consumer<List<Event>> afterStore) throws IOException {
        WriteAheadLog log = WriteAheadLog.open(logDirectory);
        try {
            long replayed = LogCheckpoints.recover(store, log);
            if (replayed > 0) {
                System.err.printf("kiroku: replayed %d events from the ingest log %s after an unclean stop%n", replayed, logDirectory);
            }
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return new StoreIngest(store, afterStore, log, checkpointEvery);
    }

    @Override
    public void deliver(List<Event> batch) throws DeliveryException {
        receive(batch);
    }

    /** Stores a batch from an agent and makes it durable, saying what happened to each event. */
    @Override
    public Receipt receive(List<Event> batch) throws DeliveryException {
        return receive(batch, null);
    }

    /** @param encoded the events' codec bytes as received (written to the log as they are), or null to encode them */
    @Override
    public Receipt receive(List<Event> batch, List<byte[]> encoded) throws DeliveryException {
        try {
            return receive(batch, encoded, () -> false);
        } catch (Abandoned e) {
            throw new AssertionError("a caller that never gives up gave up", e);
        }
    }

    /** Checks {@code abandoned} once the batch's turn to append has come, and stores nothing when it says true. */
    @Override
    public Receipt receive(List<Event> batch, List<byte[]> encoded, BooleanSupplier abandoned) throws DeliveryException, Abandoned {
        AppendResult result;
        try {
            try {
                result = appends.append(batch, abandoned);
            } catch (Abandoned e) {
                this.abandoned.incrementAndGet();
                throw e;
            }
            long ticket = log == null ? commits.appended() : 0;
            if (log == null) {
                commits.awaitDurable(ticket);
            } else {
                // the whole batch, duplicates too: their first delivery may not be durable yet
                log.awaitDurable(log.append(encoded != null ? encoded : WriteAheadLog.encode(batch)));
            }
        } catch (StoreUnavailableException e) {
            throw new DeliveryException("event store cannot write: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DeliveryException("ingest log cannot write: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while the batch was made durable", e);
        }
        batches.incrementAndGet();
        stored.addAndGet(result.stored());
        duplicates.addAndGet(result.duplicates());
        rejected.addAndGet(result.rejected().size());
        for (AppendResult.Rejected refusal : result.rejected()) {
            System.err.printf("kiroku: event %s/%d rejected by the store: %s%n", refusal.agentId(), refusal.sequence(), refusal.reason());
        }
        afterStore.accept(batch);
        return new Receipt(result.stored(), result.duplicates(),
                result.rejected().stream().map(r -> new Refused(r.sequence(), r.reason())).toList());
    }

    public long stored() {
        return stored.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** Store commits made for acknowledged batches (each shared by all batches waiting for it), or log fsyncs. */
    public long commits() {
        return log == null ? commits.commits() : log.syncs();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Batches whose caller gave up before their turn to be stored came (nothing of them was stored). */
    public long abandoned() {
        return abandoned.get();
    }

    /** Batches received and made durable since start. */
    public long batches() {
        return batches.get();
    }

    /** With a log: commits the store one last time and removes the log's segments. */
    @Override
    public void close() throws IOException {
        if (checkpoints == null) return;
        // what the ingest cost in calls and fsyncs (docs/performance.md, "where the server's time goes per event")
        System.err.printf("kiroku ingest: %d batches, %d events stored, %d duplicates, %d ingest-log fsyncs, %d batches abandoned by their callers since start%n",
                batches.get(), stored.get(), duplicates.get(), log.syncs(), abandoned.get());
        try {
            checkpoints.close();
        } finally {
            log.close();
        }
    }
}
