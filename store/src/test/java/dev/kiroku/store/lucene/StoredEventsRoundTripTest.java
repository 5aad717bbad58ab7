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

    @Test
    void blockedExecutionsRoundTripAndAreFoundByActionAndHash() {
        Instant t0 = Instant.parse("2025-03-10T08:00:00Z");
        String blocked = "ab".repeat(32);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            dev.kiroku.event.ProcessInfo shell = i % 4 == 0 ? null : new dev.kiroku.event.ProcessInfo("e" + i, 100 + i, t0, null,
                    "/bin/sh", List.of("sh", "-c", "./x" + i), "/tmp", i % 3 == 0 ? null : "cd".repeat(32), null, -1, null, null);
            var attempt = i % 2 == 0 ? dev.kiroku.event.ExecutionBlocked.Attempt.EXEC : dev.kiroku.event.ExecutionBlocked.Attempt.OPEN;
            events.add(new Event("a", i + 1, t0.plusMillis(i), "h", List.of(),
                    new dev.kiroku.event.ExecutionBlocked(attempt, "/tmp/drop/x" + i, i % 5 == 0 ? "not-hex" : blocked,
                            i % 3 == 0 ? null : "reason " + i, shell)));
        }
        InstantSource clock = InstantSource.fixed(t0.plusSeconds(3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            assertThat(all(store)).isEqualTo(new HashSet<>(events));
            assertThat(store.search(EventQuery.parse("event.action:exec_blocked AND file.hash.sha256:" + blocked, clock).limit(100))
                    .hits()).hasSize(32);
        }
    }

    @Test
    void yaraDetectionsRoundTripAndAreFoundByRuleAndHash() {
        Instant t0 = Instant.parse("2025-03-10T08:00:00Z");
        String sha = "ef".repeat(32);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            dev.kiroku.event.ProcessInfo writer = i % 4 == 0 ? null : new dev.kiroku.event.ProcessInfo("w" + i, 200 + i, t0, null,
                    "/usr/bin/cp", List.of("cp", "a", "b" + i), "/tmp", null, null, -1, null, null);
            var hits = i % 3 == 0 ? List.<dev.kiroku.event.YaraDetection.StringHit>of()
                    : List.of(new dev.kiroku.event.YaraDetection.StringHit("$m", 100L * i, 8, "marker" + i),
                    new dev.kiroku.event.YaraDetection.StringHit("$n", 1L << 40, 3, null));
            events.add(new Event("a", i + 1, t0.plusMillis(i), "h", List.of(), new dev.kiroku.event.YaraDetection(
                    i % 2 == 0 ? dev.kiroku.event.YaraDetection.Trigger.WRITE : dev.kiroku.event.YaraDetection.Trigger.EXEC, i % 2 == 1,
                    "/tmp/drop/y" + i, i % 5 == 0 ? null : sha, "Dropper" + (i % 3), "team", i % 2 == 0 ? List.of() : List.of("linux"),
                    hits, writer)));
        }
        InstantSource clock = InstantSource.fixed(t0.plusSeconds(3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            assertThat(all(store)).isEqualTo(new HashSet<>(events));
            assertThat(store.search(EventQuery.parse("event.action:yara_match AND file.hash.sha256:" + sha, clock)
                    .limit(100)).hits()).hasSize(24);
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
