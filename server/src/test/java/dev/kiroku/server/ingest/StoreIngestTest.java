package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import dev.kiroku.fleet.server.BatchReceiver;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concurrent agents' batches share commits and every acknowledged batch is durable: the last Lucene
 * commit on disk (read while the store is still open, as after a crash) holds every acknowledged event.
 */
class StoreIngestTest {
    @TempDir
    Path dir;

    @Test
    void concurrentBatchesAreDurableWhenAcknowledgedAndRetriesStoreNothingTwice() throws Exception {
        InstantSource clock = InstantSource.system();
        ConcurrentLinkedQueue<List<Event>> detected = new ConcurrentLinkedQueue<>();
        int agents = 8;
        int batches = 15;
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            StoreIngest ingest = new StoreIngest(store, detected::add);
            List<Integer> stored = perAgent(agents, (agent, b) -> {
                List<Event> batch = batch(agent, b * 50L + 1, 50);
                int count = ingest.receive(batch).stored();
                if (b % 5 == 0) assertThat(ingest.receive(batch).duplicates()).isEqualTo(50); // a retry
                return count;
            }, batches);
            assertThat(stored).containsOnly(batches * 50);
            assertThat(ingest.stored()).isEqualTo((long) agents * batches * 50);
            assertThat(detected).hasSize(agents * (batches + 3));
            assertThat(committedOnDisk()).isEqualTo((long) agents * batches * 50);
            int receives = agents * (batches + 3);
            assertThat(ingest.commits()).as("commits shared by %d receives", receives).isLessThan(receives / 2);
        }
        try (LuceneEventStore reopened = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(reopened.count(EventQuery.all())).isEqualTo((long) agents * batches * 50);
        }
    }

    @Test
    void aBatchWhoseCallerGaveUpBeforeItsTurnIsNotStoredAndCanComeAgain() throws Exception {
        ConcurrentLinkedQueue<List<Event>> detected = new ConcurrentLinkedQueue<>();
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.system(), LuceneStoreOptions.defaults());
             StoreIngest ingest = StoreIngest.withLog(store, dir.resolve("log"), Duration.ofHours(1), detected::add)) {
            List<Event> batch = batch("agent-gone", 1, 40);
            assertThatThrownBy(() -> ingest.receive(batch, null, () -> true))
                    .isInstanceOf(BatchReceiver.Abandoned.class).hasMessageContaining("40 events");
            assertThat(ingest.abandoned()).isEqualTo(1);
            assertThat(ingest.batches()).isZero();
            assertThat(detected).isEmpty();
            store.commit();
            assertThat(store.count(EventQuery.all())).as("nothing of an abandoned batch is stored").isZero();

            BatchReceiver.Receipt again = ingest.receive(batch, null, () -> false);
            assertThat(again.stored()).isEqualTo(40);
            assertThat(again.duplicates()).isZero();
            assertThat(detected).hasSize(1);
        }
    }

    /**
     * Concurrent callers' batches are appended by one thread at a time, so the index writer keeps one in-memory
     * segment and a flush writes one segment, not one per caller; a batch given up at its turn fails only its
     * own caller.
     */
    @Test
    void concurrentBatchesAreAppendedOneAtATimeIntoOneSegmentAndAGivenUpBatchFailsOnlyItsCaller() throws Exception {
        int agents = 8;
        int batches = 12;
        Instant day = Instant.parse("2026-03-04T10:00:00Z");
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRefreshInterval(Duration.ofHours(1));
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.system(), options);
             StoreIngest ingest = StoreIngest.withLog(store, dir.resolve("log"), Duration.ofHours(1), b -> { })) {
            List<Integer> stored = perAgent(agents, (agent, b) -> {
                boolean givesUp = b == 3;
                try {
                    int count = ingest.receive(batch(agent, b * 40L + 1, 40, day), null, () -> givesUp).stored();
                    assertThat(givesUp).as("only the given-up batch fails").isFalse();
                    return count;
                } catch (BatchReceiver.Abandoned e) {
                    assertThat(givesUp).as("the batch that failed is the one given up").isTrue();
                    return 0;
                }
            }, batches);
            assertThat(stored).containsOnly((batches - 1) * 40);
            assertThat(ingest.abandoned()).isEqualTo(agents);
            store.commit();
            assertThat(store.count(EventQuery.all())).isEqualTo((long) agents * (batches - 1) * 40);
        }
        try (FSDirectory directory = FSDirectory.open(dir.resolve("2026-03-04"))) {
            assertThat(SegmentInfos.readLatestCommit(directory).size()).as("segments flushed from one writer thread").isEqualTo(1);
        }
    }

    /** Events in the last commit of every partition, read from the directories as a restarted server would. */
    private long committedOnDisk() throws IOException {
        long documents = 0;
        try (Stream<Path> days = Files.list(dir)) {
            for (Path day : days.filter(Files::isDirectory).toList()) {
                try (FSDirectory directory = FSDirectory.open(day); DirectoryReader reader = DirectoryReader.open(directory)) {
                    documents += reader.numDocs();
                }
            }
        }
        return documents;
    }

    /** One agent's turn: sends its batch number {@code b} and returns how many events were stored. */
    private interface AgentTurn {
        int send(String agent, int b) throws Exception;
    }

    /** Agents {@code agent-0…} on threads of their own, each taking {@code batches} turns; the events each stored. */
    private static List<Integer> perAgent(int agents, AgentTurn turn, int batches) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(agents)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                String agent = "agent-" + a;
                results.add(pool.submit(() -> {
                    int stored = 0;
                    for (int b = 0; b < batches; b++) stored += turn.send(agent, b);
                    return stored;
                }));
            }
            List<Integer> stored = new ArrayList<>();
            for (Future<Integer> result : results) stored.add(result.get());
            return stored;
        }
    }

    private static List<Event> batch(String agent, long first, int count) {
        return batch(agent, first, count, Instant.now());
    }

    private static List<Event> batch(String agent, long first, int count, Instant time) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.of(agent, time, "h", new LossReport("test", i, time, time, "r")).withSequence(first + i));
        }
        return events;
    }
}
