package dev.kiroku.server.ingest;

import dev.kiroku.store.EventStore;
import dev.kiroku.store.StoreUnavailableException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Commits shared by concurrent batches: a batch appended to the store waits until a commit that
 * started after its append has finished. One caller commits for everyone waiting (the leader);
 * the others wait for it, so N concurrent agents cost about one commit, not N, and every answer
 * still means "durable".
 *
 * <p>Commits start at most once per {@code gather} period: a leader that comes sooner after the
 * previous commit waits for the rest of the period, and every batch appended meanwhile joins its
 * commit. Under load this turns hundreds of small commits (each one a flushed Lucene segment and
 * an fsync) into a few large ones; an idle server commits a lone batch at once.
 */
final class GroupCommit {
    /** The default gather period: adds at most this much to an acknowledgement under load. */
    static final Duration GATHER = Duration.ofMillis(200);

    private final EventStore store;
    private final long gatherNanos;
    private long appended;
    private long committed;
    private boolean committing;
    private long lastCommitStart;
    private StoreUnavailableException lastFailure;
    private long failedUpTo;
    private long commits;

    GroupCommit(EventStore store, Duration gather) {
        this.store = store;
        this.gatherNanos = gather.toNanos();
        this.lastCommitStart = System.nanoTime() - gatherNanos;
    }

    /** Called after a batch's append returned; the ticket names that append. */
    synchronized long appended() {
        return ++appended;
    }

    /** Commits made so far. */
    synchronized long commits() {
        return commits;
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
            try {
                for (long rest; (rest = lastCommitStart + gatherNanos - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(this, rest); // releases the lock: others append and queue up
                }
            } catch (InterruptedException e) {
                committing = false;
                notifyAll();
                throw e;
            }
            lastCommitStart = System.nanoTime();
            target = appended;
            commits++;
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
