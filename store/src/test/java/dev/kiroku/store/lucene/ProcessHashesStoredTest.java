package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Hit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process's MD5 and SHA-1 (beside its SHA-256) survive the stored binary form, raw hex or not, on process and
 * other events, and are searchable as {@code process.hash.md5} and {@code process.hash.sha1}; processes without them
 * keep their old encoding.
 */
class ProcessHashesStoredTest {
    private static final String MD5 = "900150983cd24fb0d6963f7d28e17f72";
    private static final String SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
    private static final String SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void md5AndSha1RoundTripAndAreSearchable() {
        List<Event> events = List.of(
                start(1, process(SHA256, MD5, SHA1)),
                start(2, process(SHA256, null, null)),
                start(3, process(null, "NOT-HEX-md5", null)),
                new Event("agent-1", 4, T0.plusSeconds(4), "host", List.of(),
                        new FileChange(FileChange.Action.CREATE, "/tmp/x", null, false, process(SHA256, MD5, SHA1))));
        EventBinary.Out plain = new EventBinary.Out();
        EventBinary.encode(events.get(1), plain);
        EventBinary.Out more = new EventBinary.Out();
        EventBinary.encode(events.get(0), more);
        assertThat(more.processColumn().length - plain.processColumn().length)
                .as("MD5 and SHA-1 are kept in doc values: two kind bytes in the process record").isEqualTo(2);

        InstantSource clock = InstantSource.fixed(T0.plusSeconds(60));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            assertThat(store.search(EventQuery.all().limit(10)).hits().stream().map(Hit::event).toList())
                    .containsExactlyInAnyOrderElementsOf(events);
            assertThat(sequences(store, "process.hash.md5:" + MD5)).containsExactly(1L);
            assertThat(sequences(store, "process.hash.sha1:" + SHA1)).containsExactly(1L);
            assertThat(sequences(store, "process.hash.sha256:" + SHA256)).containsExactlyInAnyOrder(1L, 2L);
        }
    }

    private static List<Long> sequences(LuceneEventStore store, String query) {
        return store.search(EventQuery.parse(query, InstantSource.system()).limit(10)).hits().stream()
                .map(h -> h.event().sequence()).toList();
    }

    private static Event start(long sequence, ProcessInfo process) {
        return new Event("agent-1", sequence, T0.plusSeconds(sequence), "host", List.of(), new ProcessStart(process, false));
    }

    private static ProcessInfo process(String sha256, String md5, String sha1) {
        return new ProcessInfo("e-1", 100, T0, null, "/usr/bin/tool", List.of("tool", "-x"), "/", sha256,
                new ProcessInfo.Credentials(0, "root", 0, "root", -1, 0, 0), 3, null, null, md5, sha1);
    }
}
