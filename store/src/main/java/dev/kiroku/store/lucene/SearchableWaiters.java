package dev.kiroku.store.lucene;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Callers waiting until what was appended before they asked is visible to searches. A refresh of every partition
 * that began after a caller asked makes it so: the store reports each completed refresh with the time it began, and
 * the waiters asked before that time are released. Waiters are kept in the order they asked (times taken under the
 * lock), so releasing stops at the first one asked later.
 */
final class SearchableWaiters {
    private record Waiter(long askedNanos, CompletableFuture<Void> done) {
    }

    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    synchronized CompletableFuture<Void> await() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.addLast(new Waiter(System.nanoTime(), done));
        return done;
    }

    /** Every partition was refreshed by a refresh (or commit) that began at {@code beganNanos}. */
    void refreshed(long beganNanos) {
        ArrayDeque<Waiter> released = new ArrayDeque<>();
        synchronized (this) {
            while (!waiting.isEmpty() && waiting.peekFirst().askedNanos() - beganNanos < 0) released.add(waiting.pollFirst());
        }
        released.forEach(w -> w.done().complete(null));
    }

    /** The store closed: nothing more will become searchable, nobody waits any longer. */
    void release() {
        ArrayDeque<Waiter> rest;
        synchronized (this) {
            rest = new ArrayDeque<>(waiting);
            waiting.clear();
        }
        rest.forEach(w -> w.done().complete(null));
    }
}
