package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Page;
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
 * File changes that carry their content's digests (written executables) come back exactly, beside ones without, before
 * and after a reopen, and are found by {@code file.hash.sha256}, {@code .md5} and {@code .sha1}.
 */
class FileDigestsStoredTest {
    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
    private static final String SHA256 = "5e".repeat(32);
    private static final String MD5 = "0d".repeat(16);
    private static final String SHA1 = "a1".repeat(20);

    @TempDir
    Path dir;

    @Test
    void fileDigestsRoundTripAndAreSearchable() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ProcessInfo writer = i % 4 == 0 ? null : new ProcessInfo("w" + i, 300 + i, T0, null, "/usr/bin/cp",
                    List.of("cp", "a", "/tmp/drop/x" + i), "/tmp", i % 2 == 0 ? "cd".repeat(32) : null, null, -1, null, null);
            FileChange change = new FileChange(i % 2 == 0 ? FileChange.Action.CREATE : FileChange.Action.MODIFY,
                    "/tmp/drop/x" + i, null, false, writer);
            FileChange stored = switch (i % 3) {
                case 0 -> change;                                   // not an executable: no digests
                case 1 -> change.withHashes(MD5, SHA1, SHA256);     // hex digests: written as raw bytes
                default -> change.withHashes(null, "NOT-HEX", SHA256.toUpperCase()); // anything else: as text
            };
            events.add(new Event("a", i + 1, T0.plusMillis(i), "h", List.of(), stored));
        }
        InstantSource clock = InstantSource.fixed(T0.plusSeconds(3600));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            assertThat(all(store)).isEqualTo(new HashSet<>(events));
            assertThat(count(store, "file.hash.sha256:" + SHA256, clock)).isEqualTo(20);
            assertThat(count(store, "file.hash.md5:" + MD5, clock)).isEqualTo(20);
            assertThat(count(store, "file.hash.sha1:" + SHA1, clock)).isEqualTo(20);
            assertThat(count(store, "event.category:file AND file.hash.sha256:*", clock)).isEqualTo(40);
        }
        try (LuceneEventStore reopened = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            assertThat(all(reopened)).isEqualTo(new HashSet<>(events));
        }
    }

    private static int count(LuceneEventStore store, String query, InstantSource clock) {
        return store.search(EventQuery.parse(query, clock).limit(1_000)).hits().size();
    }

    private static HashSet<Event> all(LuceneEventStore store) {
        Page page = store.search(EventQuery.all().limit(10_000));
        HashSet<Event> found = new HashSet<>();
        page.hits().forEach(h -> found.add(h.event()));
        assertThat(found).hasSize(page.hits().size());
        return found;
    }
}
