package dev.kiroku.bench;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.indicators.IndicatorService;
import dev.kiroku.server.ingest.StoreIngest;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's ingest pipeline for {@code bench ioc}, wired as {@code KirokuServer} wires it: {@link StoreIngest#withLog}
 * over a real {@link LuceneEventStore} in a scratch directory (store append, write-ahead log, fsync), and after each
 * stored batch {@link Detection} (toEcs and the Sigma engine with the built-in pack, on its own thread) and
 * {@link IndicatorService#afterStore} (live matching). Two indicator services take turns behind the same ingest: one
 * without indicators, one with them loaded; a {@link #pass} says which one sees its batches.
 *
 * <p>What a pass costs is measured in CPU time, not wall time: the process's CPU over the pass (every thread: the
 * ingest caller, detection, Lucene's refreshes, flushes and merges, the collector), and the CPU of the thread that runs
 * {@code afterStore} inside it (ThreadMXBean around the call).
 */
final class IocPipeline implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final LuceneEventStore store;
    private final Detection detection;
    private final IndicatorService without;
    private final IndicatorService with;
    private final StoreIngest ingest;
    private volatile IndicatorService indicators;
    /** CPU time of the ingest caller inside {@code afterStore}; written and read by that thread only. */
    private long matcherCpuNs;

    /** One pass: events, process CPU, the live matcher's CPU, wall time, live hits raised. */
    record Pass(int events, long processCpuNs, long matcherCpuNs, long wallNs, long liveHits) {
    }

    private IocPipeline(Path dir, List<Indicator> loaded, InstantSource clock) throws IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            store = new LuceneEventStore(dir.resolve("events"), clock,
                    LuceneStoreOptions.defaults().withRetention(Duration.ofDays(30)).withRefreshInterval(StoreIngest.REFRESH_EVERY));
            opened.add(store);
            detection = new Detection(dir, store, clock);
            opened.add(detection);
            without = new IndicatorService(dir.resolve("indicators-none"), store, detection, Duration.ofDays(30), clock);
            opened.add(without);
            with = new IndicatorService(dir.resolve("indicators"), store, detection, Duration.ofDays(30), clock);
            opened.add(with);
            with.load(loaded);
            indicators = without;
            ingest = StoreIngest.withLog(store, dir.resolve("ingest-log"), StoreIngest.CHECKPOINT_EVERY, batch -> {
                detection.accept(batch);
                long cpu = THREADS.getCurrentThreadCpuTime();
                indicators.afterStore(batch);
                matcherCpuNs += THREADS.getCurrentThreadCpuTime() - cpu;
            });
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The pipeline over a new store in {@code dir}, with {@code loaded} in the indicator service that passes may use. */
    static IocPipeline open(Path dir, List<Indicator> loaded, InstantSource clock) throws IOException {
        return new IocPipeline(dir, loaded, clock);
    }

    /** How many indicators the service with indicators matches live. */
    int live() {
        return ((Number) with.status().get("live")).intValue();
    }

    /**
     * Sends the events through the pipeline in batches, as agents send them, and waits until detection has examined
     * them all. The events must be new to the store (fresh agent ids or sequences), or they would be deduplicated.
     */
    Pass pass(List<Event> events, boolean withIndicators, int batchSize) throws EventSink.DeliveryException, InterruptedException {
        awaitDetection();
        IndicatorService service = withIndicators ? with : without;
        indicators = service;
        long hits = liveHits(service);
        long matcher = matcherCpuNs;
        long cpu = processCpuNs();
        long start = System.nanoTime();
        for (int from = 0; from < events.size(); from += batchSize) {
            ingest.receive(events.subList(from, Math.min(events.size(), from + batchSize)));
        }
        awaitDetection();
        return new Pass(events.size(), processCpuNs() - cpu, matcherCpuNs - matcher, System.nanoTime() - start,
                liveHits(service) - hits);
    }

    private void awaitDetection() throws InterruptedException {
        while (!detection.idle()) TimeUnit.MILLISECONDS.sleep(1);
    }

    private static long liveHits(IndicatorService service) {
        return ((Number) service.status().get("live_hits")).longValue();
    }

    /** CPU time of the whole process (all threads, user and system), in nanoseconds. */
    static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public void close() throws IOException {
        try (store; detection; without; with) {
            ingest.close();
        }
    }
}
