package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.MutableClock;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

class CompactClosedDaysTest {
    @TempDir
    Path dir;

    @Test
    void closed_days_become_one_segment_and_the_newest_day_is_left_as_written() throws IOException {
        Instant day0 = Instant.parse("2025-03-01T08:00:00Z");
        Instant day1 = day0.plus(Duration.ofDays(1));
        // Maintenance would compact only after two hours idle: here only the explicit call does.
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRefreshInterval(Duration.ofHours(1));
        try (LuceneEventStore store = new LuceneEventStore(dir, new MutableClock(day1), options)) {
            long sequence = 0;
            for (int batch = 0; batch < 3; batch++) { // a commit per batch: three segments per day
                List<Event> events = List.of(exec("a", ++sequence, day0.plusSeconds(batch), "h", "/bin/true", "true"),
                        exec("a", ++sequence, day1.plusSeconds(batch), "h", "/bin/ls", "ls"));
                assertThat(store.append(events).stored()).isEqualTo(2);
                store.commit();
            }
            assertThat(segments("2025-03-01")).isEqualTo(3);

            store.compactClosedDays();
            store.commit();

            assertThat(segments("2025-03-01")).isEqualTo(1);
            assertThat(segments("2025-03-02")).isEqualTo(3);
            assertThat(store.count(EventQuery.all())).isEqualTo(6);
            assertThat(store.count(EventQuery.parse("process.name:true", new MutableClock(day1)))).isEqualTo(3);
        }
    }

    /** Segments of a day's last commit. */
    private int segments(String day) throws IOException {
        try (var directory = FSDirectory.open(dir.resolve(day)); var reader = DirectoryReader.open(directory)) {
            return reader.leaves().size();
        }
    }
}
