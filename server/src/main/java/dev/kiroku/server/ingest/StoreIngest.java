package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.StoreUnavailableException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The server's ingest: stores each delivered batch and commits it before returning, so the agent
 * acknowledges only what is durable. Concurrent batches share commits ({@link GroupCommit}). Events the store rejects are counted and reported, and do not
 * fail the batch; a store that cannot write fails the delivery, so the agent keeps the batch.
 *
 * <p>Appending (building and indexing documents) is CPU work: at most one batch per core appends at
 * a time, however many batches wait for their commit, so the index gets a few large in-memory
 * segments rather than one per waiting thread.
 */
public final class StoreIngest implements EventSink, BatchReceiver {
    private final EventStore store;
    private final Consumer<List<Event>> afterStore;
    private final GroupCommit commits;
    private final Semaphore appending = new Semaphore(Runtime.getRuntime().availableProcessors());
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** @param afterStore sees every batch once it is durable (the detection pipeline) */
    public StoreIngest(EventStore store, Consumer<List<Event>> afterStore) {
        this(store, afterStore, GroupCommit.GATHER);
    }

    /** @param gather how long a commit waits after the previous one for more batches to join it */
    StoreIngest(EventStore store, Consumer<List<Event>> afterStore, Duration gather) {
        this.store = store;
        this.afterStore = afterStore;
        this.commits = new GroupCommit(store, gather);
    }

    @Override
    public void deliver(List<Event> batch) throws DeliveryException {
        receive(batch);
    }

    /** Stores and commits a batch from an agent over the network, saying what happened to each event. */
    @Override
    public Receipt receive(List<Event> batch) throws DeliveryException {
        AppendResult result;
        try {
            long ticket;
            appending.acquire();
            try {
                result = store.append(batch);
                ticket = commits.appended();
            } finally {
                appending.release();
            }
            commits.awaitDurable(ticket);
        } catch (StoreUnavailableException e) {
            throw new DeliveryException("event store cannot write: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while the store committed", e);
        }
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

    /** Store commits made for acknowledged batches (each shared by all batches waiting for it). */
    public long commits() {
        return commits.commits();
    }

    public long rejected() {
        return rejected.get();
    }
}
