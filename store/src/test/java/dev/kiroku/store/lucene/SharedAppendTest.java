package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiroku.store.TestEvents.exec;
import static dev.kiroku.store.TestEvents.file;
import static org.assertj.core.api.Assertions.assertThat;

/** A large append, whose work the store shares over its indexing threads, stores each event once and rejects exactly the bad ones. */
class SharedAppendTest {
    private static final Instant T0 = Instant.parse("2025-03-01T22:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_large_batch_over_two_days_with_bad_events_and_repeats_is_stored_once_per_event() {
        List<Event> batch = new ArrayList<>();
        List<Long> bad = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (int i = 1; i <= 3_000; i++) {
            String agent = "a" + (i % 3);
            Instant at = T0.plusSeconds(i * 3L); // 22:00 to 00:30 the next day: two partitions
            if (i % 151 == 0) {
                bad.add(-(long) i); // sequence must be positive
                batch.add(exec(agent, -i, at, "h" + (i % 5), "/usr/bin/true", "true"));
            } else if (i % 97 == 0 && distinct.contains(agent + "/" + (i - 3))) {
                batch.add(exec(agent, i - 3, at, "h", "/usr/bin/true", "again")); // a repeat of the agent's event 3 before
            } else {
                batch.add(i % 2 == 0 ? file(agent, i, at, "h" + (i % 5), "/tmp/f" + i) : exec(agent, i, at, "h" + (i % 5), "/usr/bin/env", "env", "n" + i));
                distinct.add(agent + "/" + i);
            }
        }
        int repeats = batch.size() - bad.size() - distinct.size();
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(T0.plusSeconds(86_400)), LuceneStoreOptions.defaults())) {
            AppendResult first = store.append(batch);

            assertThat(first.stored()).isEqualTo(distinct.size());
            assertThat(first.duplicates()).isEqualTo(repeats);
            assertThat(first.rejected()).extracting(AppendResult.Rejected::sequence).containsExactlyElementsOf(bad);
            store.commit();
            assertThat(store.count(EventQuery.all())).isEqualTo(distinct.size());
            Map<LocalDate, Long> perDay = store.documentsPerDay();
            assertThat(perDay.keySet()).containsExactly(LocalDate.parse("2025-03-02"), LocalDate.parse("2025-03-01"));
            assertThat(perDay.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(distinct.size());
            long files = distinct.stream().filter(id -> Integer.parseInt(id.substring(id.indexOf('/') + 1)) % 2 == 0).count();
            assertThat(store.count(EventQuery.parse("event.category:file", InstantSource.fixed(T0)))).isEqualTo(files);
            assertThat(store.sequenceGaps("a1", 1, 3_000).storedInRange()).isEqualTo(distinct.stream().filter(id -> id.startsWith("a1/")).count());

            AppendResult again = store.append(batch);

            assertThat(again.stored()).isZero();
            assertThat(again.duplicates()).isEqualTo(distinct.size() + repeats);
            assertThat(again.rejected()).hasSize(bad.size());
        }
    }
}
