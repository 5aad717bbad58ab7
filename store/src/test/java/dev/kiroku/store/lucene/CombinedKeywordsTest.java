package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.MutableClock;
import dev.kiroku.store.TermCount;
import dev.kiroku.store.bench.SyntheticEvents;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.kiroku.store.TestEvents.connect;
import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The low-cardinality keyword fields indexed as one combined term per document
 * ({@link CombinedKeywords}) answer exact values, wildcards and negations exactly as their own
 * fields did, over several segments, beside documents of the older layout; a partition written
 * with a newer layout is refused.
 */
class CombinedKeywordsTest {
    private static final Instant T0 = Instant.parse("2025-03-10T12:00:00Z");
    private static final List<String> FIELDS = List.of("event.kind", "host.os.type", "event.type", "event.outcome",
            "network.direction", "network.type", "file.type", "user.id", "user.effective.id", "user.effective.name",
            "group.id", "process.user.login_id", "event.category", "event.action", "network.transport");

    @TempDir
    Path dir;

    @Test
    void every_value_of_every_combined_field_finds_exactly_the_events_that_have_it() {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(2)));
        SyntheticEvents generator = SyntheticEvents.withProcessTables(11, 6);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) events.add(generator.event(i % 6, i + 1, T0.plusMillis(i)));
        Map<String, Map<String, Long>> expected = countsOfValues(events, FIELDS);
        assertThat(expected.keySet()).as("the generated events cover the fields").containsAll(
                List.of("event.type", "event.outcome", "network.direction", "user.effective.name", "group.id",
                        "event.category", "event.action", "network.transport"));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            for (int from = 0; from < events.size(); from += 700) { // several segments
                store.append(events.subList(from, Math.min(events.size(), from + 700)));
                store.commit();
            }
            expected.forEach((field, values) -> values.forEach((value, count) -> {
                assertThat(store.count(EventQuery.parse(field + ":\"" + value + "\"", clock))).as(field + ":" + value).isEqualTo(count);
                assertThat(store.count(EventQuery.parse("NOT " + field + ":\"" + value + "\"", clock))).as("NOT " + field + ":" + value)
                        .isEqualTo(events.size() - (long) count);
            }));
            long withType = expected.get("event.type").values().stream().mapToLong(Long::longValue).sum();
            assertThat(store.count(EventQuery.parse("event.type:*", clock))).isLessThanOrEqualTo(withType).isPositive();
            assertThat(store.count(EventQuery.parse("user.effective.name:r*", clock))).isEqualTo(expected.get("user.effective.name").get("root"));
            assertThat(store.count(EventQuery.parse("event.outcome:failure AND network.direction:egress", clock)))
                    .isEqualTo(events.stream().filter(e -> "failure".equals(e.toEcs().get("event.outcome"))
                            && "egress".equals(e.toEcs().get("network.direction"))).count());
        }
    }

    /** How many of the events have each value of each field, from their ECS view. */
    private static Map<String, Map<String, Long>> countsOfValues(List<Event> events, List<String> fields) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (Event e : events) {
            Map<String, Object> ecs = e.toEcs();
            for (String field : fields) {
                Object v = ecs.get(field);
                List<?> values = v == null ? List.of() : v instanceof List<?> l ? l : List.of(v);
                for (String value : new TreeSet<String>(values.stream().map(Object::toString).toList())) {
                    counts.computeIfAbsent(field, f -> new TreeMap<>()).merge(value, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    @Test
    void a_value_holding_a_separator_is_indexed_on_its_own_and_still_found() {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        ProcessInfo p = exec("a1", 1, T0, "web-1", "/usr/bin/id", "id").payload() instanceof ProcessStart s ? s.process() : null;
        ProcessInfo odd = new ProcessInfo(p.entityId(), p.pid(), p.startTime(), p.parent(), p.executable(), p.args(),
                p.workingDirectory(), p.sha256(), new ProcessInfo.Credentials(7, "u", 8, "we\u001fird\u001eone", 7, 9, 9),
                p.session(), p.tty(), p.namespaces());
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(List.of(new Event("a1", 1, T0, "web-1", List.of(), new ProcessStart(odd, false))));
            store.commit();
            assertThat(store.count(EventQuery.parse("user.effective.name:we*", clock))).isEqualTo(1L);
            assertThat(store.count(EventQuery.parse("user.effective.id:8 AND group.id:9", clock))).isEqualTo(1L);
        }
    }

    @Test
    void a_value_of_a_field_combined_since_layout_8_holding_a_separator_is_found_and_counted() {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        NetworkActivity tcp = (NetworkActivity) connect("a1", 1, T0, "web-1", "10.0.0.9", 443).payload();
        NetworkActivity odd = new NetworkActivity(tcp.action(), "sc\u001ftp\u001ex", tcp.sourceIp(), tcp.sourcePort(),
                tcp.destinationIp(), tcp.destinationPort(), tcp.success(), tcp.process());
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(List.of(connect("a1", 1, T0, "web-1", "10.0.0.9", 443),
                    new Event("a1", 2, T0.plusSeconds(1), "web-1", List.of(), odd)));
            store.commit();
            assertThat(store.count(EventQuery.parse("network.transport:\"sc\u001ftp\u001ex\"", clock))).isEqualTo(1L);
            assertThat(store.count(EventQuery.parse("network.transport:sc*", clock))).isEqualTo(1L);
            assertThat(store.count(EventQuery.parse("network.transport:*", clock))).isEqualTo(2L);
            assertThat(store.count(EventQuery.parse("NOT network.transport:tcp", clock))).isEqualTo(1L);
            assertThat(store.terms(EventQuery.parse("", clock), "network.transport", 10).top())
                    .containsExactlyInAnyOrder(new TermCount("tcp", 1), new TermCount("sc\u001ftp\u001ex", 1));
        }
    }

    @Test
    void documents_of_the_older_layout_with_fields_of_their_own_are_still_found() throws Exception {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        Event now = exec("a1", 1, T0, "web-1", "/usr/bin/curl", "curl");
        Event old = exec("a2", 1, T0.plusSeconds(1), "old-1", "/usr/bin/curl", "curl");
        // the document as layout 4 wrote it: every low-cardinality field with a term of its own
        Document doc = new Document();
        for (var field : EventDocuments.of(old).getFields()) {
            if (!field.name().startsWith("_event") && !field.name().startsWith("_identity")) doc.add(field);
        }
        old.toEcs().forEach((name, value) -> {
            if (!CombinedKeywords.combines(name)) return;
            for (Object v : value instanceof List<?> l ? l : List.of(value)) doc.add(new StringField(name, v.toString(), Field.Store.NO));
        });
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(dir.resolve("2025-03-10")),
                IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            writer.addDocument(doc);
        }
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(List.of(now));
            store.commit();
            assertThat(store.count(EventQuery.parse("event.type:start AND host.os.type:linux", clock))).isEqualTo(2L);
            assertThat(store.count(EventQuery.parse("event.category:process AND event.action:*", clock))).isEqualTo(2L);
            assertThat(store.count(EventQuery.parse("event.type:start AND host.name:old-1", clock))).isEqualTo(1L);
        }
    }

    @Test
    void a_partition_with_own_terms_of_the_fields_folded_in_layout_8_goes_on_getting_them_and_answers_the_same() throws Exception {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(2)));
        SyntheticEvents generator = SyntheticEvents.withProcessTables(5, 4);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) events.add(generator.event(i % 4, i + 1, T0.plusMillis(i)));
        Map<String, Map<String, Long>> expected = countsOfValues(events, CombinedKeywords.FOLDED_SINCE_LAYOUT_8);
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(CombinedKeywords.FOLDED_SINCE_LAYOUT_8);
        // the first half as layout 7 wrote it: the folded fields as keywords with terms and doc values
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(dir.resolve("2025-03-10")),
                IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            for (Event e : events.subList(0, 600)) {
                Document doc = new Document();
                for (var field : EventDocuments.of(e).getFields()) {
                    if (!CombinedKeywords.FOLDED_SINCE_LAYOUT_8.contains(field.name())) doc.add(field);
                }
                e.toEcs().forEach((name, value) -> {
                    if (!CombinedKeywords.FOLDED_SINCE_LAYOUT_8.contains(name)) return;
                    for (Object v : value instanceof List<?> l ? l : List.of(value)) doc.add(new KeywordField(name, v.toString(), Field.Store.NO));
                });
                writer.addDocument(doc);
            }
            writer.setLiveCommitData(Map.of(IndexLayout.LAYOUT_KEY, "7").entrySet());
        }
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events.subList(600, events.size()));
            store.commit();
            expected.forEach((field, values) -> {
                values.forEach((value, count) -> assertThat(store.count(EventQuery.parse(field + ":\"" + value + "\"", clock)))
                        .as(field + ":" + value).isEqualTo(count));
                assertThat(store.terms(EventQuery.parse("", clock), field, 100).top())
                        .as("terms of " + field).containsExactlyInAnyOrderElementsOf(
                                values.entrySet().stream().map(v -> new TermCount(v.getKey(), v.getValue())).toList());
            });
        }
    }

    @Test
    void a_partition_written_with_a_newer_layout_is_refused_with_its_path() throws Exception {
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(List.of(exec("a1", 1, T0, "web-1", "/usr/bin/curl", "curl")));
        }
        Path day = dir.resolve("2025-03-10");
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(day), IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            assertThat(writer.getLiveCommitData()).as("the store recorded its layout")
                    .contains(Map.entry(IndexLayout.LAYOUT_KEY, Integer.toString(IndexLayout.LAYOUT)));
            writer.setLiveCommitData(Map.of(IndexLayout.LAYOUT_KEY, "99").entrySet());
            writer.commit();
        }
        assertThatThrownBy(() -> new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults()))
                .hasMessageContaining(day.toString()).hasMessageContaining("layout '99'");
    }
}
