package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class JournalTest {
    static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
    static final JournalConfig MANUAL = JournalConfig.defaults().withFlushInterval(Duration.ZERO);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(T0);
    final SyntheticEvents source = new SyntheticEvents(7, T0);

    @Test
    void appendAssignsMonotonicSequencesAndReadersSeeWrittenAndBufferedEvents() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(100), clock)) {
            List<Event> originals = source.take(250);
            List<Event> stored = originals.stream().map(journal::append).toList();
            assertThat(stored).extracting(Event::sequence).containsExactlyElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
            assertThat(journal.status().bufferedEvents()).isEqualTo(50);

            Batch all = journal.readFrom(1, 1000);
            assertThat(all.events()).isEqualTo(stored);
            assertThat(all.nextSequence()).isEqualTo(251);
            assertThat(stored.get(9).withSequence(0)).isEqualTo(originals.get(9));
        }
    }

    @Test
    void readsFromMemoryAndFromDiskGiveTheSameEvents() throws IOException {
        int count = Journal.RECENT_EVENTS + 3_000;
        List<Event> fromMemory = new java.util.ArrayList<>();
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(500), clock)) {
            source.take(count).forEach(journal::append);
            assertThat(journal.status().bufferedEvents()).isPositive();
            // pages across blocks read from disk, the in-memory tail of written events and the buffer
            for (long next = 1; next <= count; ) {
                Batch batch = journal.readFrom(next, 333);
                assertThat(batch.events().getFirst().sequence()).isEqualTo(next);
                fromMemory.addAll(batch.events());
                next = batch.nextSequence();
            }
        }
        try (Journal reopened = Journal.open(dir, MANUAL, clock)) {
            assertThat(reopened.readFrom(1, count).events()).isEqualTo(fromMemory);
        }
        assertThat(fromMemory).extracting(Event::sequence).containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    }

    @Test
    void readFromPagesThroughTheJournal() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(64), clock)) {
            source.take(500).forEach(journal::append);
            long next = 1;
            long seen = 0;
            while (true) {
                Batch batch = journal.readFrom(next, 77);
                if (batch.isEmpty()) break;
                assertThat(batch.events().getFirst().sequence()).isEqualTo(next);
                assertThat(batch.events().size()).isLessThanOrEqualTo(77);
                seen += batch.events().size();
                next = batch.nextSequence();
            }
            assertThat(seen).isEqualTo(500);
            assertThat(next).isEqualTo(501);
        }
    }

    @Test
    void sequencesAndAcknowledgementSurviveARestart() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            source.take(30).forEach(journal::append);
            journal.acknowledge(12);
        }
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            assertThat(journal.status().acknowledgedSequence()).isEqualTo(12);
            assertThat(journal.status().lastSequence()).isEqualTo(30);
            assertThat(journal.append(source.next()).sequence()).isEqualTo(31);
            assertThat(journal.readFrom(13, 100).events()).extracting(Event::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(13, 31).boxed().toList());
        }
    }

    @Test
    void sequenceContinuesFromTheCursorWhenEverySegmentIsGone() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            source.take(5).forEach(journal::append);
            journal.acknowledge(5);
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".seg")).toList()) Files.delete(p);
        }
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            assertThat(journal.append(source.next()).sequence()).isEqualTo(6);
        }
    }

    @Test
    void acknowledgementsReachTheCursorFileAtMostOncePerIntervalAndAtFlush() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            source.take(20).forEach(journal::append);
            journal.flush();
            journal.acknowledge(5);
            assertThat(Files.readString(dir.resolve("cursor"))).as("the first one at once").contains("acknowledged=5");
            journal.acknowledge(8);
            assertThat(journal.status().acknowledgedSequence()).isEqualTo(8);
            assertThat(Files.readString(dir.resolve("cursor"))).as("within the interval: in memory only").contains("acknowledged=5");
            clock.advance(Journal.ACKNOWLEDGED_PERSIST_INTERVAL);
            journal.acknowledge(9);
            assertThat(Files.readString(dir.resolve("cursor"))).contains("acknowledged=9");
            journal.acknowledge(12);
            journal.flush();
            assertThat(Files.readString(dir.resolve("cursor"))).as("a flush writes it").contains("acknowledged=12");
            journal.acknowledge(15);
        }
        assertThat(Files.readString(dir.resolve("cursor"))).as("close writes it").contains("acknowledged=15");
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            assertThat(journal.status().acknowledgedSequence()).isEqualTo(15);
        }
    }

    @Test
    void acknowledgingWhatWasNeverAssignedIsRefused() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL, clock)) {
            source.take(3).forEach(journal::append);
            assertThatThrownBy(() -> journal.acknowledge(4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot acknowledge sequence 4").hasMessageContaining("1 to 3");
            journal.acknowledge(3);
            journal.acknowledge(1); // going back is ignored
            assertThat(journal.status().acknowledgedSequence()).isEqualTo(3);
        }
        assertThat(Files.readString(dir.resolve("cursor"))).contains("acknowledged=3");
        assertThat(dir.resolve("cursor.tmp")).doesNotExist();
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefused() throws IOException {
        try (Journal ignored = Journal.open(dir, MANUAL, clock)) {
            assertThatThrownBy(() -> Journal.open(dir, MANUAL, clock)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
        }
    }

    @Test
    void aClosedJournalRefusesAppends() throws IOException {
        Journal journal = Journal.open(dir, MANUAL, clock);
        journal.close();
        assertThatThrownBy(() -> journal.append(source.next())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(journal.status().state()).isEqualTo(JournalStatus.State.CLOSED);
    }

    @Test
    void readRangeReturnsExactlyTheEventsInTheHalfOpenRange() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(50), clock)) {
            List<Event> stored = source.take(1000).stream().map(journal::append).toList();
            Instant from = stored.get(300).timestamp();
            Instant to = stored.get(420).timestamp();
            List<Event> expected = stored.stream()
                    .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to)).toList();
            try (var range = journal.readRange(from, to)) {
                assertThat(range.toList()).isEqualTo(expected).hasSize(120);
            }
            assertThatThrownBy(() -> journal.readRange(to, from)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("after it ends");
        }
    }

    @Test
    void readRangeSkipsBlocksOutsideTheRange() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(50), clock)) {
            List<Event> stored = source.take(1000).stream().map(journal::append).toList();
            journal.flush();
            // Damage every block but the one holding events 501-550: a range inside it must not notice.
            Path segment = journal.segmentFiles().values().iterator().next();
            corruptAllBlocksExcept(segment, 501);
            Instant from = stored.get(510).timestamp();
            Instant to = stored.get(530).timestamp();
            try (var range = journal.readRange(from, to)) {
                assertThat(range.toList()).hasSize(20);
            }
            assertThat(journal.status().corruptBlocks()).isZero();
        }
    }

    @Test
    void segmentsRollBySize() throws IOException {
        try (Journal journal = Journal.open(dir, MANUAL.withFlushEvents(20).withSizes(16 * 1024, 1 << 20), clock)) {
            source.take(2000).forEach(journal::append);
            journal.flush();
            JournalStatus status = journal.status();
            assertThat(status.segments()).isGreaterThan(5);
            assertThat(journal.segmentFiles().values()).allSatisfy(p -> assertThat(Files.size(p)).isLessThanOrEqualTo(16 * 1024));
            assertThat(journal.readFrom(1, 5000).events()).hasSize(2000);
        }
    }

    @Test
    void theSizeCapDeletesOldestSegmentsAndCountsUnacknowledgedEventsAsLost() throws IOException {
        JournalConfig config = MANUAL.withFlushEvents(20).withSizes(8 * 1024, 32 * 1024);
        try (Journal journal = Journal.open(dir, config, clock)) {
            source.take(200).forEach(journal::append);
            journal.flush();
            journal.acknowledge(200);
            source.take(2000).forEach(journal::append);
            journal.flush();
            JournalStatus status = journal.status();
            assertThat(status.bytes()).isLessThanOrEqualTo(32 * 1024 + 8 * 1024);
            long held = journal.readFrom(0, 10_000).events().size();
            assertThat(status.firstSequence()).isGreaterThan(200);
            // every unacknowledged event (loss reports included) is either still held or counted as lost
            assertThat(status.lostToCap()).isGreaterThan(1000).isEqualTo(status.lastSequence() - 200 - held);
            List<LossReport> reports = journal.readFrom(0, 10_000).events().stream()
                    .filter(e -> e.payload() instanceof LossReport).map(e -> (LossReport) e.payload()).toList();
            assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.reason()).contains("size cap"));
        }
        try (Journal journal = Journal.open(dir, config, clock)) {
            assertThat(journal.status().lostToCap()).isGreaterThan(0);
        }
    }

    @Test
    void retentionDeletesOldAcknowledgedSegmentsOnly() throws IOException {
        JournalConfig config = MANUAL.withFlushEvents(20).withSizes(8 * 1024, 1 << 20).withRetention(Duration.ofDays(1));
        SyntheticEvents old = new SyntheticEvents(3, T0.minus(Duration.ofDays(3)));
        try (Journal journal = Journal.open(dir, config, clock)) {
            old.take(300).forEach(journal::append);
            journal.flush();
            journal.acknowledge(150);
            source.take(300).forEach(journal::append);
            journal.flush();
        }
        int before;
        try (Journal journal = Journal.open(dir, config, clock)) { // retention runs on open and in the flusher
            JournalStatus status = journal.status();
            // old segments fully acknowledged are gone; the one holding 151.. stays though it is old
            assertThat(status.firstSequence()).isGreaterThan(1).isLessThanOrEqualTo(151);
            assertThat(status.lostToCap()).isZero();
            before = status.segments();
            journal.acknowledge(600);
        }
        try (Journal journal = Journal.open(dir, config, clock)) {
            JournalStatus status = journal.status();
            assertThat(status.segments()).isLessThan(before);
            assertThat(status.firstSequence()).isGreaterThan(300);
        }
    }

    @Test
    void theFlusherWritesBufferedEventsWithinTheInterval() throws IOException {
        JournalConfig config = JournalConfig.defaults().withFlushInterval(Duration.ofMillis(50));
        try (Journal journal = Journal.open(dir, config, clock)) {
            source.take(10).forEach(journal::append);
            await().atMost(Duration.ofSeconds(2)).until(() -> journal.status().bufferedEvents() == 0);
            assertThat(journal.status().segments()).isEqualTo(1);
        }
    }

    @Test
    void badConfigurationIsRefusedWithTheReason() {
        assertThatThrownBy(() -> JournalConfig.defaults().withSizes(1 << 20, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two segments");
        assertThatThrownBy(() -> JournalConfig.defaults().withCompressionLevel(11))
                .hasMessageContaining("compressionLevel must be 0-9");
    }

    /** Flips a payload byte in every block of the segment except the one starting at {@code keep}. */
    static void corruptAllBlocksExcept(Path segment, long keep) throws IOException {
        Segment.Scan scan = Segment.scan(segment, true);
        byte[] bytes = Files.readAllBytes(segment);
        for (Segment.Block b : scan.blocks()) {
            if (b.header().firstSequence() == keep) continue;
            int at = (int) b.offset() + BlockFormat.HEADER_BYTES + b.header().payloadBytes() / 2;
            bytes[at] ^= 0x5A;
        }
        Files.write(segment, bytes);
    }
}
