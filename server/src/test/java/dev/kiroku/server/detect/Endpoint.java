package dev.kiroku.server.detect;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.ingest.StoreIngest;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A test endpoint: a real Lucene store and a real {@link Detection} under one data directory, composed with the real
 * {@link StoreIngest} as the server does, and helpers that record process starts as the Linux agent would.
 */
final class Endpoint implements AutoCloseable {
    static final String AGENT = "agent-7f3a";
    static final String HOST = "web-01";

    final Path data;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-02T10:00:00Z"));
    final InstantSource clock = () -> now.get();
    final LuceneEventStore store;
    final Detection detection;
    final StoreIngest ingest;
    private final AtomicLong sequence = new AtomicLong();

    Endpoint(Path data) {
        this(data, Detection.Settings.defaults());
    }

    Endpoint(Path data, Detection.Settings settings) {
        this.data = data;
        this.store = new LuceneEventStore(data.resolve("events"), clock, LuceneStoreOptions.defaults());
        this.detection = new Detection(data, store, clock, settings);
        this.ingest = new StoreIngest(store, detection);
    }

    /** A process start (exec) of {@code args} by a parent process; returns the event as stored. */
    Event exec(String entityId, String executable, List<String> args, Process parent) {
        return exec(entityId, executable, args, parent, now.get());
    }

    Event exec(String entityId, String executable, List<String> args, Process parent, Instant time) {
        ProcessInfo.ParentRef ref = parent == null ? null : new ProcessInfo.ParentRef(parent.entityId, parent.pid, parent.executable, parent.args);
        ProcessInfo info = new ProcessInfo(entityId, pid(entityId), time.minusMillis(5), ref, executable, args, "/home/alice",
                null, new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null);
        Event event = new Event(AGENT, sequence.incrementAndGet(), time, HOST, List.of(), new ProcessStart(info, false));
        deliver(event);
        return event;
    }

    /** Records a process start and returns it as a parent for later events. */
    Process process(String entityId, String executable, List<String> args, Process parent) {
        exec(entityId, executable, args, parent);
        return new Process(entityId, pid(entityId), executable, args);
    }

    void deliver(Event... events) {
        try {
            ingest.deliver(List.of(events));
        } catch (EventSink.DeliveryException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the detection thread has examined everything delivered. */
    void settle() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(detection::idle);
    }

    private static int pid(String entityId) {
        return 1000 + Math.floorMod(entityId.hashCode(), 30000);
    }

    record Process(String entityId, int pid, String executable, List<String> args) {
    }

    @Override
    public void close() {
        detection.close();
        store.close();
    }
}
