package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class JournalDiskFullTest {
    static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(T0);
    final SyntheticEvents source = new SyntheticEvents(5, T0);
    final AtomicBoolean full = new AtomicBoolean();
    final ChannelOpener opener = (path, options) -> new FailingChannel(FileChannel.open(path, options), full);
    final JournalConfig config = JournalConfig.defaults().withFlushInterval(Duration.ZERO).withFlushEvents(10)
            .withMaxBufferedEvents(50).withRetryInterval(Duration.ofSeconds(1));

    @Test
    void aFullDiskBuffersThenDropsAndCountsThenResumesWhenSpaceReturns() throws IOException {
        try (Journal journal = Journal.open(dir, config, clock, opener)) {
            source.take(20).forEach(journal::append);
            assertThat(journal.status().bufferedEvents()).isZero();

            full.set(true);
            List<Event> during = source.take(100).stream().map(journal::append).toList();
            JournalStatus status = journal.status();
            assertThat(status.state()).isEqualTo(JournalStatus.State.DISK_FULL);
            assertThat(status.lastError()).contains("No space left on device");
            assertThat(status.bufferedEvents()).isEqualTo(50);
            assertThat(status.droppedWhileFull()).isEqualTo(50);
            assertThat(during.subList(0, 50)).extracting(Event::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(21, 70).boxed().toList());
            assertThat(during.subList(50, 100)).allSatisfy(e -> assertThat(e.sequence()).isZero());
            assertThat(journal.readFrom(1, 1000).events()).hasSize(70); // buffered events are readable

            journal.flush(); // still full: nothing changes, nothing thrown
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.DISK_FULL);

            full.set(false);
            clock.advance(Duration.ofSeconds(2));
            Event next = journal.append(source.next()); // the retry is due: writes resume
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.OK);
            assertThat(next.sequence()).isEqualTo(72);
            Event report = journal.readFrom(71, 1).events().getFirst();
            assertThat(report.payload()).isInstanceOfSatisfying(LossReport.class, loss -> {
                assertThat(loss.count()).isEqualTo(50);
                assertThat(loss.source()).isEqualTo("journal");
                assertThat(loss.reason()).contains("No space left on device");
                assertThat(loss.from()).isEqualTo(during.get(50).timestamp());
                assertThat(loss.to()).isEqualTo(during.get(99).timestamp());
            });
        }
        try (Journal journal = Journal.open(dir, config, clock)) {
            JournalStatus status = journal.status();
            assertThat(status.droppedWhileFull()).isEqualTo(50);
            assertThat(status.corruptBlocks()).isZero();
            assertThat(status.truncatedBytes()).isZero(); // the partial write was cut back at once
            assertThat(journal.readFrom(1, 1000).events()).extracting(Event::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 72).boxed().toList());
        }
    }

    @Test
    void writesRetryOnlyAfterTheRetryInterval() throws IOException {
        try (Journal journal = Journal.open(dir, config, clock, opener)) {
            full.set(true);
            source.take(10).forEach(journal::append);
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.DISK_FULL);
            full.set(false);
            source.take(5).forEach(journal::append);
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.DISK_FULL);
            assertThat(journal.status().bufferedEvents()).isEqualTo(15);
            clock.advance(Duration.ofMillis(1500));
            journal.append(source.next());
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.OK);
            assertThat(journal.status().bufferedEvents()).isLessThan(10);
        }
    }

    @Test
    void eventsStillBufferedWhenClosingOnAFullDiskAreCountedAsDropped() throws IOException {
        Journal journal = Journal.open(dir, config, clock, opener);
        source.take(5).forEach(journal::append);
        full.set(true);
        journal.close();
        full.set(false);
        try (Journal reopened = Journal.open(dir, config, clock)) {
            // the cursor could not be written while full either, so the count lives until the next persist
            assertThat(reopened.status().lastSequence()).isZero();
            assertThat(reopened.append(source.next()).sequence()).isEqualTo(1);
        }
    }
}
