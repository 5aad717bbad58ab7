package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import static org.awaitility.Awaitility.await;

/**
 * The ingest with its write-ahead log: an acknowledged batch is in the fsync'ed log before the store
 * commits it; a crash image of the store and the log (files as they are on disk while the server
 * runs) holds every acknowledged event once after the log is replayed; checkpoints commit the store
 * and empty the log; events are searchable after the store's refresh, without a commit.
 */
class WriteAheadIngestTest {
    private static final InstantSource CLOCK = InstantSource.system();

    @TempDir
    Path dir;

    @Test
    void acknowledgedBatchesSurviveACrashBeforeTheStoreCommitsAndAreStoredOnce() throws Exception {
        Path events = dir.resolve("events");
        Path log = dir.resolve("log");
        Path image = dir.resolve("image");
        int agents = 6;
        int batches = 12;
        long acknowledged = agents * batches * 40L;
        ConcurrentLinkedQueue<List<Event>> detected = new ConcurrentLinkedQueue<>();
        try (LuceneEventStore store = new LuceneEventStore(events, CLOCK, LuceneStoreOptions.defaults());
             StoreIngest ingest = StoreIngest.withLog(store, log, Duration.ofHours(1), detected::add);
             ExecutorService pool = Executors.newFixedThreadPool(agents)) {
            List<Future<?>> senders = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                String agent = "agent-" + a;
                senders.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<Event> batch = batch(agent, b * 40L + 1, 40);
                        assertThat(ingest.receive(batch).stored()).isEqualTo(40);
                        if (b % 4 == 0) assertThat(ingest.receive(batch).duplicates()).isEqualTo(40); // a retry
                    }
                    return null;
                }));
            }
            for (Future<?> sender : senders) sender.get();
            assertThat(ingest.commits()).as("fsyncs shared by concurrent batches").isLessThan(agents * (batches + 3));
            // Searchable through the store's refresh, before any commit of the ingest.
            await().atMost(Duration.ofSeconds(10)).until(() -> store.count(EventQuery.all()) == acknowledged);
            // The crash: what is on disk now, while the server still runs.
            copyTree(events, image.resolve("events"));
            copyTree(log, image.resolve("log"));
        }
        assertThat(committedOnDisk(image.resolve("events"))).as("the store did not commit everything before the crash")
                .isLessThan(acknowledged);
        try (LuceneEventStore store = new LuceneEventStore(image.resolve("events"), CLOCK, LuceneStoreOptions.defaults());
             StoreIngest ingest = StoreIngest.withLog(store, image.resolve("log"), Duration.ofHours(1), batch -> { })) {
            assertThat(committedOnDisk(image.resolve("events"))).as("the replayed log is committed at start").isEqualTo(acknowledged);
            assertThat(store.count(EventQuery.all())).isEqualTo(acknowledged);
            for (int a = 0; a < agents; a++) {
                assertThat(store.sequenceGaps("agent-" + a, 1, batches * 40L).missing()).isEmpty();
                assertThat(ingest.receive(batch("agent-" + a, 1, 40)).duplicates()).as("a retry after the restart").isEqualTo(40);
            }
            assertThat(store.count(EventQuery.all())).isEqualTo(acknowledged);
        }
    }

    @Test
    void aCheckpointCommitsTheStoreAndEmptiesTheLog() throws Exception {
        Path log = dir.resolve("log");
        try (LuceneEventStore store = new LuceneEventStore(dir.resolve("events"), CLOCK, LuceneStoreOptions.defaults());
             StoreIngest ingest = StoreIngest.withLog(store, log, Duration.ofMillis(300), batch -> { })) {
            for (int b = 0; b < 5; b++) ingest.receive(batch("agent", b * 100L + 1, 100));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(committedOnDisk(dir.resolve("events"))).isEqualTo(500);
                assertThat(logBytes(log)).isZero();
            });
        }
        try (Stream<Path> left = Files.list(log)) {
            assertThat(left.toList()).as("a clean stop leaves no log").isEmpty();
        }
    }

    @Test
    void replayStopsAtATornRecordAndKeepsTheCompleteOnes() throws Exception {
        Path logDir = dir.resolve("log");
        try (WriteAheadLog log = WriteAheadLog.open(logDir)) {
            for (int b = 0; b < 3; b++) log.awaitDurable(log.append(WriteAheadLog.encode(batch("agent", b * 10L + 1, 10))));
        }
        Path segment;
        try (Stream<Path> files = Files.list(logDir)) {
            segment = files.findFirst().orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 7); // the crash cut the third batch's write
        }
        List<List<Event>> replayed = new ArrayList<>();
        assertThat(WriteAheadLog.replay(segment, replayed::add)).isEqualTo(20);
        assertThat(replayed).hasSize(2);
        assertThat(replayed.get(1).getLast().sequence()).isEqualTo(20);
        assertThat(replayed.getFirst().getFirst()).isEqualTo(batch("agent", 1, 10).getFirst());

        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[]{42}), 20); // a flipped byte inside the first record
        }
        assertThat(WriteAheadLog.replay(segment, batch -> { })).as("a corrupt record ends the replay").isZero();
    }

    private static long logBytes(Path log) throws IOException {
        try (Stream<Path> files = Files.list(log)) {
            long bytes = 0;
            for (Path file : files.toList()) bytes += Files.size(file);
            return bytes;
        }
    }

    /** Copies the files as they are now; a file Lucene deleted meanwhile was in no commit. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                try {
                    if (Files.isDirectory(file)) Files.createDirectories(target);
                    else Files.copy(file, target);
                } catch (NoSuchFileException e) {
                    // deleted while copying
                }
            }
        }
    }

    private static long committedOnDisk(Path events) throws IOException {
        long documents = 0;
        try (Stream<Path> days = Files.list(events)) {
            for (Path day : days.filter(Files::isDirectory).toList()) {
                try (FSDirectory directory = FSDirectory.open(day)) {
                    if (!DirectoryReader.indexExists(directory)) continue;
                    try (DirectoryReader reader = DirectoryReader.open(directory)) {
                        documents += reader.numDocs();
                    }
                }
            }
        }
        return documents;
    }

    private static List<Event> batch(String agent, long first, int count) {
        List<Event> events = new ArrayList<>();
        Instant at = Instant.parse("2026-11-27T08:00:00Z").plusSeconds(first);
        for (int i = 0; i < count; i++) {
            events.add(Event.of(agent, at, "h", new LossReport("test", i, at, at, "r")).withSequence(first + i));
        }
        return events;
    }
}
