package dev.kiroku.store.lucene;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Helper threads that share an append's work with the appending thread, so that one appender (the
 * server appends one batch at a time) uses every core: Lucene's writer indexes documents from several
 * threads at once, one in-memory segment per thread. Slices are taken from a shared counter, the
 * caller's thread taking its share too, so a helper that is slow to be scheduled delays nothing: the
 * caller waits only for slices already under way.
 */
final class IndexingThreads implements AutoCloseable {
    /** Fewer events than this in a slice cost more in hand-over than they gain. */
    static final int MIN_SLICE = 32;

    private final int helpers;
    private final ExecutorService executor;

    /** @param helpers threads besides the caller's (0: everything runs on the caller's thread) */
    IndexingThreads(int helpers) {
        this.helpers = helpers;
        this.executor = helpers == 0 ? null
                : Executors.newFixedThreadPool(helpers, Thread.ofPlatform().daemon().name("kiroku-index-", 0).factory());
    }

    /** One helper per core besides the caller's. */
    static IndexingThreads perCore() {
        return new IndexingThreads(Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
    }

    /** How many slices {@code size} items are cut into: one per thread at most, none smaller than {@link #MIN_SLICE}. */
    int slices(int size) {
        return Math.max(1, Math.min(helpers + 1, size / MIN_SLICE));
    }

    /**
     * Runs {@code work} for slices 0 … {@code slices − 1} on the caller's and the helpers' threads and
     * returns the results in slice order. What a slice throws is thrown here (the first, by slice),
     * after every slice under way has ended.
     */
    <T> List<T> each(int slices, IntFunction<T> work) {
        Object[] results = new Object[slices];
        Throwable[] failures = new Throwable[slices];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch ended = new CountDownLatch(slices);
        Runnable worker = () -> {
            for (int slice; (slice = next.getAndIncrement()) < slices; ) {
                try {
                    results[slice] = work.apply(slice);
                } catch (Throwable t) {
                    failures[slice] = t;
                } finally {
                    ended.countDown();
                }
            }
        };
        for (int i = 0; i < Math.min(helpers, slices - 1); i++) {
            try {
                executor.execute(worker);
            } catch (RejectedExecutionException closed) {
                break; // the store is closing: the caller's thread does it all
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                ended.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the slices under way use the caller's documents and locks: wait for them
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        for (Throwable t : failures) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
        }
        List<T> out = new ArrayList<>(slices);
        for (Object r : results) {
            @SuppressWarnings("unchecked") T typed = (T) r;
            out.add(typed);
        }
        return out;
    }

    @Override
    public void close() {
        if (executor != null) executor.shutdown();
    }
}
