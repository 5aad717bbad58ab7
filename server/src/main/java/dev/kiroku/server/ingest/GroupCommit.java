package dev.kiroku.server.ingest;

import dev.kiroku.store.EventStore;
import dev.kiroku.store.StoreUnavailableException;

/**
 * Commits shared by concurrent batches: a batch appended to the store waits until a commit that
 * started after its append has finished. One caller commits for everyone waiting (the leader);
 * the others wait for it, so N concurrent agents cost about one commit, not N, and every answer
 * still means "durable".
 */
final class GroupCommit {
    private final EventStore store;
    private long appended;
    private long committed;
    private boolean committing;
    private StoreUnavailableException lastFailure;
    private long failedUpTo;

    GroupCommit(EventStore store) {
        this.store = store;
    }

    /** Called after a batch's append returned; the ticket names that append. */
    synchronized long appended() {
        return ++appended;
    }

    /** Returns once the append with this ticket is committed; throws if the commit covering it failed. */
    void awaitDurable(long ticket) throws StoreUnavailableException, InterruptedException {
        long target;
        synchronized (this) {
            while (true) {
                if (committed >= ticket) return;
                if (failedUpTo >= ticket && lastFailure != null) throw lastFailure;
                if (!committing) break;
                wait();
            }
            committing = true;
            target = appended;
        }
        StoreUnavailableException failure = null;
        try {
            store.commit();
        } catch (StoreUnavailableException e) {
            failure = e;
        } finally {
            synchronized (this) {
                committing = false;
                if (failure == null) committed = Math.max(committed, target);
                else {
                    lastFailure = failure;
                    failedUpTo = Math.max(failedUpTo, target);
                }
                notifyAll();
            }
        }
        if (failure != null) throw failure;
    }
}
