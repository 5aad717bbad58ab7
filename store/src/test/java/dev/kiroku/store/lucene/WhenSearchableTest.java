package dev.kiroku.store.lucene;

import dev.kiroku.store.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code whenSearchable} completes only once what was appended before it is found by searches, without a commit. */
class WhenSearchableTest {
    @TempDir
    Path dir;

    @Test
    void every_batch_appended_before_the_call_is_found_once_it_completes() throws Exception {
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRefreshInterval(Duration.ofMillis(200));
        Instant at = Instant.now().minusSeconds(60);
        try (LuceneEventStore store = new LuceneEventStore(dir, Clock.systemUTC(), options)) {
            for (int round = 1; round <= 15; round++) {
                store.append(List.of(exec("agent-s", round, at.plusMillis(round), "h", "/bin/true", "true")));
                CompletableFuture<Void> searchable = store.whenSearchable();
                searchable.get(20, TimeUnit.SECONDS);
                assertThat(store.count(EventQuery.all())).as("events found once round %d's whenSearchable completed", round)
                        .isEqualTo(round);
            }
        }
    }

    @Test
    void waiting_callers_are_released_when_the_store_closes() throws Exception {
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRefreshInterval(Duration.ofHours(1));
        CompletableFuture<Void> searchable;
        try (LuceneEventStore store = new LuceneEventStore(dir, Clock.systemUTC(), options)) {
            Thread.sleep(200); // the maintenance thread's first run (at start) is behind us
            store.append(List.of(exec("agent-s", 1, Instant.now(), "h", "/bin/true", "true")));
            searchable = store.whenSearchable();
            assertThat(searchable).as("no refresh within the hour's interval yet").isNotDone();
        }
        assertThat(searchable).isDone();
    }
}
