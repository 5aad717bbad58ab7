package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent agents' batches share commits and every acknowledged batch is durable: it survives reopening the store. */
class StoreIngestTest {
    @TempDir
    Path dir;

    @Test
    void concurrentBatchesAreDurableWhenAcknowledgedAndRetriesStoreNothingTwice() throws Exception {
        InstantSource clock = InstantSource.system();
        ConcurrentLinkedQueue<List<Event>> detected = new ConcurrentLinkedQueue<>();
        int agents = 8;
        int batches = 15;
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults());
             ExecutorService pool = Executors.newFixedThreadPool(agents)) {
            StoreIngest ingest = new StoreIngest(store, detected::add);
            List<Future<Integer>> results = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                String agent = "agent-" + a;
                results.add(pool.submit(() -> {
                    int stored = 0;
                    for (int b = 0; b < batches; b++) {
                        List<Event> batch = batch(agent, b * 50L + 1, 50);
                        BatchReceiver.Receipt receipt = ingest.receive(batch);
                        stored += receipt.stored();
                        if (b % 5 == 0) assertThat(ingest.receive(batch).duplicates()).isEqualTo(50); // a retry
                    }
                    return stored;
                }));
            }
            for (Future<Integer> result : results) assertThat(result.get()).isEqualTo(batches * 50);
            assertThat(ingest.stored()).isEqualTo((long) agents * batches * 50);
            assertThat(detected).hasSize(agents * (batches + 3));
        }
        try (LuceneEventStore reopened = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(reopened.count(EventQuery.all())).isEqualTo((long) agents * batches * 50);
        }
    }

    private static List<Event> batch(String agent, long first, int count) {
        List<Event> events = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            events.add(Event.of(agent, now, "h", new LossReport("test", i, now, now, "r")).withSequence(first + i));
        }
        return events;
    }
}
