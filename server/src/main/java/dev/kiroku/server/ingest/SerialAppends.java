package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.fleet.server.BatchReceiver.Abandoned;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.EventStore;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Appends concurrent callers' batches to the store one after another on one thread at a time: each caller
 * queues its batch, and whichever caller holds the appending lock appends the queued batches in order, the
 * others' queued before its own and then its own, before it lets go (the others find their batch done when their
 * turn to lock comes, and every caller locks once, so appending for others costs no extra hand-over).
 *
 * <p>Why: the store's index writer keeps one in-memory segment per thread appending at the same time, and each
 * refresh flushes each of them as a segment that merges later rewrite. One appender at a time makes one
 * segment per refresh interval and core (the store shares a large append's work over the cores itself),
 * however many agents ship (docs/performance.md, fleet, session 8; store, session 11).
 */
final class SerialAppends {
    private final EventStore store;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock appending = new ReentrantLock();

    SerialAppends(EventStore store) {
        this.store = store;
    }

    /**
     * Appends a batch (or, when {@code abandoned} says true at its turn, stores nothing of it).
     *
     * @throws Abandoned when the caller gave up before the batch's turn came
     * @throws RuntimeException what the store's append threw for this batch (e.g. StoreUnavailableException)
     */
    AppendResult append(List<Event> batch, BooleanSupplier abandoned) throws Abandoned, InterruptedException {
        Request request = new Request(batch, abandoned);
        queue.add(request);
        appending.lockInterruptibly();
        try {
            // Our batch was queued before we locked: either a holder before us appended it, or we do now.
            for (Request next; !request.done && (next = queue.poll()) != null; ) next.run(store);
        } finally {
            appending.unlock();
        }
        return request.outcome();
    }

    /** A queued batch and, once its turn came, what happened to it (written and read under the lock). */
    private static final class Request {
        final List<Event> batch;
        final BooleanSupplier abandoned;
        boolean done;
        AppendResult result;
        RuntimeException failure;
        boolean gaveUp;

        Request(List<Event> batch, BooleanSupplier abandoned) {
            this.batch = batch;
            this.abandoned = abandoned;
        }

        void run(EventStore store) {
            try {
                if (abandoned.getAsBoolean()) gaveUp = true;
                else result = store.append(batch);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                done = true;
            }
        }

        AppendResult outcome() throws Abandoned {
            if (gaveUp) throw new Abandoned(batch.size());
            if (failure != null) throw failure;
            return result;
        }
    }
}
