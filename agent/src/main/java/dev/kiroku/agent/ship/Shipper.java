package dev.kiroku.agent.ship;

import dev.kiroku.agent.journal.Batch;
import dev.kiroku.agent.journal.Journal;
import dev.kiroku.agent.journal.JournalStatus;
import dev.kiroku.event.EventSink;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ships the journal to the server: reads from the acknowledged cursor, delivers a batch, and
 * acknowledges it only after the server has stored it durably. When the server cannot take a batch
 * the shipper waits with exponential backoff and jitter and sends the same batch again; recording
 * never waits for shipping.
 */
public final class Shipper implements AutoCloseable {
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /**
     * How long events gather before a partial batch ships (a full one ships at once): an agent recording 20 events a
     * second makes one call a second rather than one per journal flush (five a second), and the server's cost per
     * call (TLS, the call, its acknowledgement) is shared by five times more events. Adds at most this to the delay
     * before an event is searchable; after a quiet spell the first events ship at once.
     */
    static final Duration LINGER = Duration.ofSeconds(1);
    /** The longest a server may ask the shipper to gather ({@link EventSink#requestedGathering}). */
    static final Duration MAX_LINGER = Duration.ofSeconds(5);

    private final Journal journal;
    private final EventSink sink;
    private final int batchSize;
    private final InstantSource clock;
    private final Thread thread;
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile String lastError = "";
    private volatile Instant failingSince;

    public Shipper(Journal journal, EventSink sink, int batchSize, InstantSource clock) {
        this.journal = journal;
        this.sink = sink;
        this.batchSize = batchSize;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("kiroku-shipper").daemon().unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long next = journal.status().acknowledgedSequence() + 1;
        Duration backoff = Duration.ofMillis(200);
        long lastDelivery = System.nanoTime() - MAX_LINGER.toNanos();
        while (running) {
            Batch batch;
            try {
                // Only what the journal has written ships: an event the server stored must never be
                // lost in a crash and its sequence number reused for another.
                JournalStatus status = journal.status();
                long durable = status.lastSequence() - status.bufferedEvents();
                long available = durable - next + 1;
                boolean lingering = available < batchSize && System.nanoTime() - lastDelivery < linger().toNanos();
                batch = available <= 0 || lingering ? new Batch(java.util.List.of(), next)
                        : journal.readFrom(next, (int) Math.min(batchSize, available));
            } catch (RuntimeException e) {
                lastError = "reading the journal: " + e.getMessage();
                sleep(IDLE_WAIT);
                continue;
            }
            if (batch.isEmpty()) {
                next = Math.max(next, batch.nextSequence());
                sleep(IDLE_WAIT);
                continue;
            }
            try {
                sink.deliver(batch.events());
                lastDelivery = System.nanoTime();
                journal.acknowledge(batch.nextSequence() - 1);
                shipped.addAndGet(batch.events().size());
                next = batch.nextSequence();
                backoff = Duration.ofMillis(200);
                failingSince = null;
                lastError = "";
            } catch (EventSink.DeliveryException | RuntimeException | OutOfMemoryError e) {
                // OutOfMemoryError: the transport's direct buffers for an oversized call (Netty's
                // OutOfDirectMemoryError); the shipper must outlive it, or nothing ships until a restart
                failures.incrementAndGet();
                lastError = String.valueOf(e.getMessage());
                if (failingSince == null) failingSince = clock.instant();
                sleep(jitter(backoff));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** The server's requested gathering time when it asked for one (at most {@link #MAX_LINGER}), else {@link #LINGER}. */
    private Duration linger() {
        Duration requested = sink.requestedGathering();
        if (requested == null || requested.compareTo(LINGER) <= 0) return LINGER;
        return requested.compareTo(MAX_LINGER) > 0 ? MAX_LINGER : requested;
    }

    private static Duration jitter(Duration backoff) {
        long millis = backoff.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public long shipped() {
        return shipped.get();
    }

    public long failures() {
        return failures.get();
    }

    public String lastError() {
        return lastError;
    }

    /** When delivery started failing, or null while it succeeds. */
    public Instant failingSince() {
        return failingSince;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
