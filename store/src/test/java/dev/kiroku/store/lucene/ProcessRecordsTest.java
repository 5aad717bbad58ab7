package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Hit;
import dev.kiroku.store.MutableClock;
import dev.kiroku.store.TestEvents;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layout 9: a process's events share one process record in the {@code _process} doc values of a
 * segment; searches give back exactly the events appended, including a process whose record is too
 * long for a column and ids that are not of the usual form.
 */
class ProcessRecordsTest {
    private static final Instant T0 = Instant.parse("2025-03-10T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void each_distinct_process_record_is_kept_once_per_segment_and_every_event_reads_back() throws Exception {
        List<ProcessInfo> processes = List.of(
                TestEvents.process("agent-1", 100, "/usr/bin/python3", "python3", "serve.py"),
                TestEvents.process("agent-1", 101, "/usr/bin/curl", "curl", "http://127.0.0.1/"),
                new ProcessInfo("not an entity id", 102, T0, null, "/bin/sh", List.of("sh", "-c", "x".repeat(40_000)), "/", null,
                        null, 0, null, null));
        List<Event> events = new ArrayList<>();
        long sequence = 0;
        for (ProcessInfo p : processes) events.add(event(++sequence, new ProcessStart(p, false)));
        for (int i = 0; i < 300; i++) {
            ProcessInfo p = processes.get(i % processes.size());
            events.add(event(++sequence, i % 2 == 0
                    ? new FileChange(FileChange.Action.MODIFY, "/tmp/f" + i, null, false, p)
                    : new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "127.0.0.1", 40_000 + i, "127.0.0.1", 80, true, p)));
        }
        for (ProcessInfo p : processes) events.add(event(++sequence, new ProcessExit(p, 0, 0)));

        MutableClock clock = new MutableClock(T0.plusSeconds(3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            assertThat(store.search(EventQuery.all().limit(1000)).hits().stream().map(Hit::event).toList())
                    .containsExactlyInAnyOrderElementsOf(events);
            assertThat(store.count(EventQuery.parse("process.pid:100", clock))).isEqualTo(102L);
        }
        Path day = dir.resolve("2025-03-10");
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(day), IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            writer.forceMerge(1); // as the compaction of a closed day does
        }
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(day))) {
            long distinct = 0;
            long withColumn = 0;
            for (LeafReaderContext leaf : reader.leaves()) {
                SortedDocValues records = leaf.reader().getSortedDocValues(Fields.PROCESS);
                distinct += records.getValueCount();
                while (records.nextDoc() != SortedDocValues.NO_MORE_DOCS) withColumn++;
            }
            assertThat(reader.leaves()).hasSize(1);
            assertThat(distinct).as("one record per process whose record fits a column").isEqualTo(2);
            assertThat(withColumn).as("every event of those two processes refers to it").isEqualTo(2 * (1 + 100 + 1));
        }
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(store.search(EventQuery.all().limit(1000)).hits().stream().map(Hit::event).toList())
                    .as("the same from the merged segment").containsExactlyInAnyOrderElementsOf(events);
        }
    }

    /**
     * A partition of layout 8 (its events' process records in their stored bytes, version 4) goes on
     * being written by layout 9, and both kinds of document read back.
     */
    @Test
    void a_partition_of_layout_8_reads_its_old_events_beside_new_ones() throws Exception {
        Event old = Version4Connection.event();
        ProcessInfo curl = EventBinary.processOf(old.payload());
        Document doc = new Document();
        for (IndexableField field : EventDocuments.of(old).getFields()) {
            if (!field.name().equals(Fields.SOURCE) && !field.name().equals(Fields.PROCESS)) doc.add(field);
        }
        doc.add(new StoredField(Fields.SOURCE, Version4Connection.stored()));
        Path day = dir.resolve("2025-03-10");
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(day), IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            writer.addDocument(doc);
            writer.setLiveCommitData(Map.of(IndexLayout.LAYOUT_KEY, "8").entrySet());
        }
        Event later = new Event("agent-1", 8, Instant.parse("2025-03-10T12:00:01Z"), "web-1", List.of(),
                new FileChange(FileChange.Action.CREATE, "/tmp/x", null, false, curl));
        MutableClock clock = new MutableClock(T0.plusSeconds(6 * 3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(List.of(later));
            store.commit();
            assertThat(store.search(EventQuery.all().limit(10)).hits().stream().map(Hit::event).toList())
                    .containsExactly(later, old);
            assertThat(store.count(EventQuery.parse("process.entity_id:" + Version4Connection.ENTITY_ID, clock))).isEqualTo(2L);
        }
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(day), IndexLayout.writerConfig(LuceneStoreOptions.defaults()))) {
            writer.forceMerge(1);
            assertThat(writer.getLiveCommitData()).contains(Map.entry(IndexLayout.LAYOUT_KEY, "9"));
        }
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(store.search(EventQuery.all().limit(10)).hits().stream().map(Hit::event).toList())
                    .as("the same from one merged segment").containsExactly(later, old);
        }
    }

    private static Event event(long sequence, dev.kiroku.event.Payload payload) {
        return new Event("agent-1", sequence, T0.plusMillis(sequence), "web-1", List.of(), payload);
    }
}
