package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.Hit;
import dev.kiroku.store.MutableClock;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layout 7 keeps {@code @timestamp} as doc values with a skip index instead of points; a partition
 * of an older layout (points) keeps its form when written again, and time ranges and newest-first
 * pages over both kinds equal a brute-force filter of the events.
 */
class TimestampLayoutTest {
    private static final Instant DAY0 = Instant.parse("2025-03-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void time_ranges_and_newest_first_pages_are_exact_over_old_and_new_partitions() throws IOException {
        Random random = new Random(11);
        List<Event> events = new ArrayList<>();
        long sequence = 0;
        // Day 0 written first as layout 5 did: @timestamp as points and plain doc values.
        List<Event> old = new ArrayList<>();
        for (int i = 0; i < 300; i++) old.add(exec("a", ++sequence, DAY0.plusMillis(random.nextInt(86_400_000)), "h", "/bin/true", "true"));
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(dir.resolve("2025-03-01")),
                IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            for (Event e : old) {
                Document doc = EventDocuments.of(e);
                EventDocuments.withTimestampPoints(doc, Nanos.exactly(e.timestamp()));
                writer.addDocument(doc);
            }
            writer.setLiveCommitData(Map.of(IndexLayout.LAYOUT_KEY, "5").entrySet());
        }
        events.addAll(old);
        MutableClock clock = new MutableClock(DAY0.plus(Duration.ofDays(2)));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            // More events on day 0 (its old form) and on day 1 (layout 7), in several segments.
            for (int batch = 0; batch < 4; batch++) {
                List<Event> more = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    Instant at = DAY0.plusMillis(random.nextInt(2 * 86_400_000)).plusNanos(random.nextInt(1_000_000));
                    more.add(exec("a", ++sequence, at, "h", "/bin/true", "true"));
                }
                assertThat(store.append(more).stored()).isEqualTo(200);
                store.commit();
                events.addAll(more);
            }
            assertThat(timestampPoints("2025-03-01")).as("day 0 keeps its points").containsOnly(true);
            assertThat(timestampPoints("2025-03-02")).as("day 1 has none").containsOnly(false);

            for (int round = 0; round < 40; round++) {
                Instant from = DAY0.plusMillis(random.nextInt(2 * 86_400_000));
                Instant to = from.plusMillis(random.nextInt(20 * 3_600_000));
                List<Event> expected = events.stream()
                        .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to))
                        .sorted(Comparator.comparing(Event::timestamp).thenComparingLong(Event::sequence).reversed())
                        .toList();
                EventQuery window = EventQuery.all().between(from, to);
                assertThat(store.count(window)).isEqualTo(expected.size());
                List<Long> page = store.search(window.limit(25)).hits().stream().map(Hit::event).map(Event::sequence).toList();
                assertThat(page).isEqualTo(expected.stream().limit(25).map(Event::sequence).toList());
                String range = "@timestamp:[" + from + " TO " + to.minusNanos(1) + "] AND process.name:true";
                assertThat(store.count(EventQuery.parse(range, clock))).as(range).isEqualTo(expected.size());
            }
            List<Long> newest = store.search(EventQuery.all().limit(10)).hits().stream().map(Hit::event).map(Event::sequence).toList();
            assertThat(newest).isEqualTo(events.stream()
                    .sorted(Comparator.comparing(Event::timestamp).thenComparingLong(Event::sequence).reversed())
                    .limit(10).map(Event::sequence).toList());
        }
    }

    /** For each segment of a day's last commit: does its @timestamp have points? */
    private List<Boolean> timestampPoints(String day) throws IOException {
        try (var directory = FSDirectory.open(dir.resolve(day)); var reader = DirectoryReader.open(directory)) {
            List<Boolean> out = new ArrayList<>();
            for (LeafReaderContext leaf : reader.leaves()) {
                out.add(TimestampRangeQuery.hasPoints(leaf.reader().getFieldInfos().fieldInfo(EventSchema.TIMESTAMP)));
            }
            return out;
        }
    }
}
