package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

class JournalDamageTest {
    static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
    static final JournalConfig CONFIG = JournalConfig.defaults().withFlushInterval(Duration.ZERO).withFlushEvents(25);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(T0);
    final SyntheticEvents source = new SyntheticEvents(11, T0);

    @Test
    void aTornTailIsCutOffAndAppendsContinueAfterTheLastWholeBlock() throws IOException {
        Path segment = writeAndClose(100);
        long size = Files.size(segment);
        // a torn write: the last block lost its second half
        Segment.Block last = Segment.scan(segment, true).blocks().getLast();
        try (var channel = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(last.offset() + last.header().frameBytes() / 2);
        }
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            JournalStatus status = journal.status();
            assertThat(status.lastSequence()).isEqualTo(75);
            assertThat(status.truncatedBytes()).isEqualTo(last.header().frameBytes() / 2);
            assertThat(Files.size(segment)).isEqualTo(last.offset());
            assertThat(journal.append(source.next()).sequence()).isEqualTo(76);
            assertThat(journal.readFrom(1, 1000).events()).extracting(Event::sequence).doesNotHaveDuplicates().hasSize(76);
        }
        assertThat(size).isGreaterThan(Files.size(segment));
    }

    @Test
    void zeroFilledGarbageAfterTheLastBlockIsCutOff() throws IOException {
        Path segment = writeAndClose(50);
        long good = Files.size(segment);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(journal.status().truncatedBytes()).isEqualTo(4096);
            assertThat(journal.readFrom(1, 1000).events()).hasSize(50);
        }
        assertThat(Files.size(segment)).isEqualTo(good);
    }

    @Test
    void aBlockWithABadChecksumInTheMiddleIsSkippedCountedAndReported() throws IOException {
        Path segment = writeAndClose(100);
        flipPayloadByte(segment, 1); // events 26-50
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            List<Event> events = journal.readFrom(1, 1000).events();
            assertThat(events).hasSize(75).extracting(Event::sequence).doesNotContain(26L, 40L, 50L).contains(25L, 51L);
            JournalStatus status = journal.status();
            assertThat(status.corruptBlocks()).isEqualTo(1);
            assertThat(status.lastSequence()).isEqualTo(100);
            assertThat(status.lastError()).contains("damaged block");
            journal.readFrom(1, 1000); // reading again does not count it twice
            assertThat(journal.status().corruptBlocks()).isEqualTo(1);
            assertThat(journal.append(source.next()).sequence()).isEqualTo(101);
        }
    }

    @Test
    void aBlockWithADamagedHeaderInAnOlderSegmentIsSkippedByResynchronising() throws IOException {
        JournalConfig small = CONFIG.withSizes(16 * 1024, 1 << 20);
        try (Journal journal = Journal.open(dir, small, clock)) {
            source.take(300).forEach(journal::append);
        }
        Path first;
        try (var files = Files.list(dir)) {
            first = files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
        }
        assertThat(Segment.scan(first, true).blocks()).hasSizeGreaterThan(2);
        Segment.Block second = Segment.scan(first, true).blocks().get(1);
        byte[] bytes = Files.readAllBytes(first);
        bytes[(int) second.offset() + 5] ^= 0x7F; // the length field: the frame cannot be walked over
        Files.write(first, bytes);
        try (Journal journal = Journal.open(dir, small, clock)) {
            List<Event> events = journal.readFrom(1, 1000).events();
            assertThat(events).hasSize(300 - second.header().eventCount());
            assertThat(journal.status().corruptBlocks()).isEqualTo(1);
            assertThat(journal.status().truncatedBytes()).isZero();
            assertThat(journal.status().lastSequence()).isEqualTo(300);
        }
    }

    @Test
    void eventsThatDoNotDecodeAreSkippedAndCounted() throws IOException {
        List<byte[]> encoded = new ArrayList<>();
        List<Event> events = source.take(3);
        encoded.add(dev.kiroku.event.EventCodec.encode(events.get(0).withSequence(1)));
        encoded.add("{\"agentId\":\"a\",\"payload\":{\"type\":\"nonsense\"}}".getBytes(StandardCharsets.UTF_8));
        encoded.add(dev.kiroku.event.EventCodec.encode(events.get(2).withSequence(3)));
        writeVersion1Segment(encoded);
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(journal.readFrom(1, 10).events()).extracting(Event::sequence).containsExactly(1L, 3L);
            try (var range = journal.readRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))) {
                assertThat(range.count()).isEqualTo(2);
            }
            assertThat(journal.status().undecodableEvents()).isEqualTo(1);
            assertThat(journal.status().lastError()).contains("undecodable event 2");
            assertThat(journal.append(source.next()).sequence()).isEqualTo(4);
        }
    }

    /** A segment as agents before the binary records wrote it: version 1, one Deflate block of JSON events from sequence 1. */
    private void writeVersion1Segment(List<byte[]> jsonEvents) throws IOException {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        for (byte[] json : jsonEvents) {
            for (int length = json.length; ; length >>>= 7) {
                if ((length & ~0x7F) == 0) {
                    raw.write(length);
                    break;
                }
                raw.write((length & 0x7F) | 0x80);
            }
            raw.write(json, 0, json.length);
        }
        ByteBuffer frame = BlockFormat.encode(raw.toByteArray(), raw.size(), jsonEvents.size(), 1, 0, Long.MAX_VALUE / 2,
                BlockFormat.JSON_EVENTS, new Deflater());
        ByteBuffer header = ByteBuffer.allocate(Segment.HEADER_BYTES).putInt(Segment.MAGIC).putInt(1).putLong(1).flip();
        try (var channel = java.nio.channels.FileChannel.open(dir.resolve(Segment.fileName(1)), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            channel.write(new ByteBuffer[]{header, frame});
        }
    }

    @Test
    void version1SegmentsOfJsonEventsAreStillRead() throws IOException {
        List<Event> events = source.take(50);
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) encoded.add(dev.kiroku.event.EventCodec.encode(events.get(i).withSequence(i + 1)));
        writeVersion1Segment(encoded);
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            List<Event> read = journal.readFrom(1, 100).events();
            assertThat(read).hasSize(50);
            for (int i = 0; i < 50; i++) assertThat(read.get(i)).isEqualTo(events.get(i).withSequence(i + 1));
            Event next = journal.append(source.next());
            assertThat(next.sequence()).isEqualTo(51);
            journal.flush();
            assertThat(journal.readFrom(50, 10).events()).extracting(Event::sequence).containsExactly(50L, 51L);
            assertThat(journal.status().undecodableEvents()).isZero();
        }
        try (Journal reopened = Journal.open(dir, CONFIG, clock)) {
            assertThat(reopened.readFrom(1, 100).events()).hasSize(51);
            assertThat(reopened.segmentFiles()).hasSize(2);
        }
    }

    @Test
    void aSegmentTornWhileBeingCreatedIsRemoved() throws IOException {
        writeAndClose(10);
        Path torn = dir.resolve(Segment.fileName(11));
        Files.write(torn, new byte[]{0x4B, 0x4A});
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(torn).doesNotExist();
            assertThat(journal.append(source.next()).sequence()).isEqualTo(11);
        }
    }

    @Test
    void aForeignFileWithASegmentNameIsLeftAloneAndReported() throws IOException {
        writeAndClose(10);
        Path foreign = dir.resolve(Segment.fileName(5));
        Files.writeString(foreign, "this is not a journal segment at all");
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(journal.readFrom(1, 100).events()).hasSize(10);
            assertThat(journal.status().corruptBlocks()).isEqualTo(1);
            assertThat(journal.status().lastError()).contains("not a journal segment");
        }
        assertThat(foreign).exists();
    }

    @Test
    void aSegmentOfAFutureVersionIsLeftAloneAndReported() throws IOException {
        writeAndClose(10);
        Path future = dir.resolve(Segment.fileName(11));
        Files.write(future, ByteBuffer.allocate(64).putInt(Segment.MAGIC).putInt(Segment.VERSION + 1).putLong(11).array());
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(journal.readFrom(1, 100).events()).hasSize(10);
            assertThat(journal.status().lastError()).contains("journal segment version " + (Segment.VERSION + 1))
                    .contains("reads versions 1 to " + Segment.VERSION);
        }
        assertThat(future).exists();
    }

    @Test
    void anUnreadableCursorResetsTheAcknowledgementAndSaysSo() throws IOException {
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            source.take(10).forEach(journal::append);
            journal.acknowledge(7);
        }
        Files.writeString(dir.resolve("cursor"), "kiroku-journal-cursor 1\nacknowledged=9\ncrc=00000000\n");
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            assertThat(journal.status().acknowledgedSequence()).isZero();
            assertThat(journal.status().lastError()).contains("cursor unreadable").contains("checksum");
            assertThat(journal.append(source.next()).sequence()).isEqualTo(11);
        }
    }

    private Path writeAndClose(int count) throws IOException {
        try (Journal journal = Journal.open(dir, CONFIG, clock)) {
            source.take(count).forEach(journal::append);
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
        }
    }

    private static void flipPayloadByte(Path segment, int blockIndex) throws IOException {
        Segment.Block block = Segment.scan(segment, true).blocks().get(blockIndex);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) block.offset() + BlockFormat.HEADER_BYTES + block.header().payloadBytes() / 2] ^= 0x5A;
        Files.write(segment, bytes);
    }
}
