package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Page;
import dev.kiroku.store.bench.SyntheticEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every payload type, with the hash of its process kept in doc values, comes back from a search
 * exactly as appended, before and after the store is reopened.
 */
class StoredEventsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void searchedEventsEqualTheAppendedOnes() {
        Instant t0 = Instant.parse("2025-03-10T08:00:00Z");
        SyntheticEvents generator = new SyntheticEvents(11, 5);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) events.add(generator.event(i % 5, i / 5 + 1, t0.plusMillis(i)));
        InstantSource clock = InstantSource.fixed(t0.plusSeconds(3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            for (int from = 0; from < events.size(); from += 400) store.append(events.subList(from, Math.min(events.size(), from + 400)));
            store.commit();
            assertThat(all(store)).isEqualTo(new HashSet<>(events));
        }
        try (LuceneEventStore reopened = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(all(reopened)).isEqualTo(new HashSet<>(events));
        }
    }

    private static HashSet<Event> all(LuceneEventStore store) {
        Page page = store.search(EventQuery.all().limit(10_000));
        HashSet<Event> found = new HashSet<>();
        page.hits().forEach(h -> found.add(h.event()));
        assertThat(found).hasSize(page.hits().size());
        return found;
    }
}
