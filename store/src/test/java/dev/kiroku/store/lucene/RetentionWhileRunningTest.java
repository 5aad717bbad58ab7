package dev.kiroku.store.lucene;

import dev.kiroku.store.EventQuery;
import dev.kiroku.store.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

class RetentionWhileRunningTest {
    @TempDir
    Path dir;

    @Test
    void old_days_are_deleted_by_the_running_store_as_its_clock_advances() throws Exception {
        Instant day0 = Instant.parse("2025-03-01T08:00:00Z");
        MutableClock clock = new MutableClock(day0.plus(Duration.ofDays(4)));
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRetention(Duration.ofDays(7)).withRefreshInterval(Duration.ofMillis(50));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, options)) {
            List<dev.kiroku.event.Event> events = new ArrayList<>();
            for (int d = 0; d < 5; d++) events.add(exec("a", d + 1, day0.plus(Duration.ofDays(d)), "h", "/bin/true", "true"));
            assertThat(store.append(events).stored()).isEqualTo(5);
            store.commit();
            assertThat(Files.exists(dir.resolve("2025-03-01"))).isTrue();

            clock.advance(Duration.ofDays(5)); // now 2025-03-10T08:00; keeps 2025-03-03 onwards
            waitUntil(() -> store.status().partitions() == 3);
            assertThat(Files.exists(dir.resolve("2025-03-01"))).isFalse();
            assertThat(Files.exists(dir.resolve("2025-03-02"))).isFalse();
            assertThat(store.count(EventQuery.all())).isEqualTo(3);
            assertThat(store.append(List.of(exec("a", 9, day0, "h", "/bin/true", "true"))).rejected())
                    .singleElement().satisfies(r -> assertThat(r.reason()).contains("retention"));
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 20 s");
            Thread.sleep(20);
        }
    }
}
