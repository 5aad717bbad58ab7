package dev.kiroku.server.ingest;

import dev.kiroku.store.EventStore;
import dev.kiroku.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints of the {@link WriteAheadLog}: every period the log's current segment is sealed, the
 * store commits, and the sealed segments are deleted: the store's commit now holds their batches.
 *
 * <p>A store that failed a write rolls back to its last commit, dropping batches that were
 * acknowledged from the log. So whenever the store's health changed since the previous checkpoint
 * (a failure, or the recovery after it), the sealed segments are appended again before the commit,
 * and a checkpoint during which the health changed keeps its segments for the next one.
 */
final class LogCheckpoints implements AutoCloseable {
    private final EventStore store;
    private final WriteAheadLog log;
    private final ScheduledExecutorService timer;
    private Instant healthSince;
    private boolean replayNext;

    private LogCheckpoints(EventStore store, WriteAheadLog log) {
        this.store = store;
        this.log = log;
        this.healthSince = store.status().since();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kiroku-ingest-checkpoint").daemon().factory());
    }

    static LogCheckpoints start(EventStore store, WriteAheadLog log, Duration every) {
        LogCheckpoints checkpoints = new LogCheckpoints(store, log);
        long period = Math.max(1, every.toMillis());
        checkpoints.timer.scheduleWithFixedDelay(checkpoints::checkpointQuietly, period, period, TimeUnit.MILLISECONDS);
        return checkpoints;
    }

    /** At start: appends what an earlier run left in the log, commits, and deletes it; returns the events read. */
    static long recover(EventStore store, WriteAheadLog log) throws IOException {
        List<Path> leftovers = log.sealedSegments();
        if (leftovers.isEmpty()) return 0;
        long events = replay(store, leftovers);
        store.commit();
        log.delete(leftovers);
        return events;
    }

    private static long replay(EventStore store, List<Path> segments) throws IOException {
        long events = 0;
        for (Path segment : segments) events += WriteAheadLog.replay(segment, store::append);
        return events;
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            // the segments stay; the next checkpoint appends them again
            System.err.println("kiroku: ingest checkpoint failed, the log keeps its batches: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Seals the log, commits the store, deletes what the commit covers. */
    synchronized void checkpoint() throws IOException, InterruptedException {
        List<Path> segments = log.seal();
        if (segments.isEmpty()) return;
        Instant before = store.status().since();
        try {
            if (replayNext || !before.equals(healthSince)) replay(store, segments);
            store.commit();
        } catch (StoreUnavailableException e) {
            replayNext = true;
            healthSince = store.status().since();
            throw e;
        }
        Instant after = store.status().since();
        healthSince = after;
        replayNext = !after.equals(before);
        if (!replayNext) log.delete(segments);
    }

    @Override
    public void close() throws IOException {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(60, TimeUnit.SECONDS)) timer.shutdownNow();
            checkpoint();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
