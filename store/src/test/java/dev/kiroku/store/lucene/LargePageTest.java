package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Hit;
import dev.kiroku.store.MutableClock;
import dev.kiroku.store.Page;
import dev.kiroku.store.bench.SyntheticEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages large enough to be read by two threads come back complete, equal and newest first. */
class LargePageTest {
    @TempDir
    Path dir;

    @Test
    void a_large_page_over_several_segments_and_days_is_read_back_exactly() {
        Instant t0 = Instant.parse("2025-03-10T23:59:00Z");
        SyntheticEvents synthetic = new SyntheticEvents(5, 4);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) events.add(synthetic.event(i % 4, i / 4 + 1, t0.plusMillis(i * 400L)));
        try (LuceneEventStore store = new LuceneEventStore(dir, new MutableClock(t0.plus(Duration.ofHours(1))), LuceneStoreOptions.defaults())) {
            for (int from = 0; from < events.size(); from += 60) {
                store.append(events.subList(from, from + 60));
                store.commit(); // one segment per batch
            }
            List<Event> expected = new ArrayList<>(events);
            expected.sort(Comparator.comparing(Event::timestamp).thenComparingLong(Event::sequence).thenComparing(Event::agentId).reversed());
            Page page = store.search(EventQuery.all().limit(250));
            assertThat(page.hits().stream().map(Hit::event).toList()).isEqualTo(expected.subList(0, 250));
            Page rest = store.search(EventQuery.all().limit(250).after(page.next()));
            assertThat(rest.hits().stream().map(Hit::event).toList()).isEqualTo(expected.subList(250, 300));
        }
    }
}
