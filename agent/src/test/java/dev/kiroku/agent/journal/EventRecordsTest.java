package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.ExecutionBlocked;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.event.YaraDetection;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

class EventRecordsTest {
    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @Test
    void randomEventsRoundTripExactlyThroughBlocks() throws Exception {
        Random random = new Random(20261127);
        BlockBuilder builder = new BlockBuilder();
        long sequence = 1;
        for (int block = 0; block < 200; block++) {
            List<Event> written = new ArrayList<>();
            int n = 1 + random.nextInt(block % 10 == 0 ? 400 : 30);
            for (int i = 0; i < n; i++) {
                Event e = event(random).withSequence(sequence++);
                written.add(e);
                builder.add(e);
            }
            List<Event> read = decode(builder.seal(block % 2 == 0 ? new Deflater(1) : null));
            assertThat(read).hasSize(written.size());
            for (int i = 0; i < n; i++) assertThat(read.get(i)).as("block %d event %d", block, i).isEqualTo(written.get(i));
        }
    }

    @Test
    void repeatedStringsAreWrittenOncePerBlock() throws Exception {
        SyntheticEvents source = new SyntheticEvents(3, T0);
        BlockBuilder builder = new BlockBuilder();
        long json = 0;
        List<Event> written = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Event e = source.next().withSequence(i + 1);
            written.add(e);
            json += EventCodec.encode(e).length;
            builder.add(e);
        }
        int raw = builder.rawBytes();
        assertThat(decode(builder.seal(null))).isEqualTo(written);
        // the agent id, host, executables, hashes, users and parents repeat: the records are a fraction of the JSON
        assertThat((double) raw / json).isLessThan(0.3);
    }

    /** Strings met again are found by reference first: equal copies and strings of the same hash must not be confused. */
    @Test
    void equalCopiesAndStringsOfTheSameHashRoundTripAndAreWrittenOnce() throws Exception {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        BlockBuilder builder = new BlockBuilder();
        List<Event> written = new ArrayList<>();
        String[] hosts = {"Aa", "BB", new String("Aa"), "BB", new String("BB"), "Aa"};
        for (int block = 0; block < 2; block++) {
            for (int i = 0; i < hosts.length; i++) {
                Event e = new Event(new String("agent-" + (i % 2)), 0, T0.plusSeconds(i), hosts[i], List.of(),
                        new LossReport(hosts[(i + 1) % hosts.length], i, null, null, "Aa")).withSequence(written.size() + 1);
                written.add(e);
                builder.add(e);
            }
            int raw = builder.rawBytes();
            List<Event> read = decode(builder.seal(null));
            assertThat(read).isEqualTo(written.subList(block * hosts.length, written.size()));
            // each distinct text once: "agent-0", "agent-1", "Aa", "BB"
            assertThat(raw).isLessThan(hosts.length * 16 + 4 * 8);
        }
    }

    @Test
    void aRecordThatDoesNotDecodeIsReportedWithEveryLaterOneOfItsBlock() throws Exception {
        SyntheticEvents source = new SyntheticEvents(5, T0);
        BlockBuilder builder = new BlockBuilder();
        for (int i = 0; i < 10; i++) builder.add(source.next().withSequence(i + 1));
        ByteBuffer frame = builder.seal(null);
        BlockFormat.Header header = BlockFormat.header(frame);
        byte[] records = BlockFormat.records(frame, header);
        // cut the records short: the block's shape no longer matches its header
        byte[] cut = Arrays.copyOf(records, records.length / 2);
        List<Event> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        BlockFormat.decode(cut, header, new BlockFormat.EventReceiver() {
            public void event(Event event) {
                events.add(event);
            }

            public void undecodable(long sequence, String problem) {
                problems.add(sequence + ": " + problem);
            }
        });
        assertThat(events.size() + problems.size()).isEqualTo(10);
        assertThat(events).isNotEmpty().extracting(Event::sequence).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(problems.getFirst()).contains("corrupt journal record").contains("truncated");
        assertThat(problems.getLast()).contains("follows a record that did not decode");
    }

    @Test
    void timestampsOutsideTheNanosecondRangeRoundTrip() throws Exception {
        BlockBuilder builder = new BlockBuilder();
        List<Event> written = List.of(
                Event.of("a", Instant.MAX, "h", new LossReport("x", 1, null, null, null)).withSequence(7),
                Event.of("a", Instant.EPOCH.minusNanos(1), "h", new LossReport("x", 1, Instant.MIN, Instant.MAX, "r")).withSequence(8),
                Event.of("a", Instant.MIN, "", new LossReport(null, -5, null, null, null)).withSequence(9));
        written.forEach(builder::add);
        assertThat(decode(builder.seal(new Deflater(1)))).isEqualTo(written);
    }

    private static List<Event> decode(ByteBuffer frame) throws BlockFormat.CorruptBlockException {
        BlockFormat.Header header = BlockFormat.header(frame);
        assertThat(header).isNotNull();
        assertThat(header.format()).isEqualTo(BlockFormat.RECORDS_V1);
        assertThat(BlockFormat.crcMatches(frame, header)).isTrue();
        List<Event> events = new ArrayList<>();
        BlockFormat.decode(BlockFormat.records(frame, header), header, new BlockFormat.EventReceiver() {
            public void event(Event event) {
                events.add(event);
            }

            public void undecodable(long sequence, String problem) {
                throw new AssertionError("event " + sequence + " does not decode: " + problem);
            }
        });
        return events;
    }

    // ---------------------------------------------------------------- random events, with repeated strings

    private static final String[] POOL = {"/usr/bin/bash", "root", "agent-1", "web-1", "", "/", "ü/日本/😀", "a\u0000b"};

    private static Event event(Random r) {
        List<Incomplete> flags = new ArrayList<>();
        for (Incomplete f : Incomplete.values()) if (r.nextInt(8) == 0) flags.add(f);
        if (!flags.isEmpty() && r.nextInt(10) == 0) flags.add(flags.getFirst()); // a repeated flag stays repeated
        Instant at = r.nextInt(20) == 0 ? Instant.ofEpochSecond(r.nextLong(-1L << 40, 1L << 40), r.nextInt(1_000_000_000))
                : T0.plusNanos(r.nextLong(0, 3_600_000_000_000L));
        Payload payload = switch (r.nextInt(8)) {
            case 0 -> new ProcessStart(process(r), r.nextBoolean());
            case 1 -> new ProcessExit(process(r), r.nextInt(), r.nextInt(40));
            case 2 -> new FileChange(pickOrNull(r, FileChange.Action.values()), text(r), maybe(r), r.nextBoolean(), maybeProcess(r),
                    maybe(r), maybe(r), maybe(r));
            case 3 -> new NetworkActivity(pickOrNull(r, NetworkActivity.Action.values()), maybe(r), maybe(r), r.nextInt(70_000),
                    maybe(r), r.nextInt(70_000), r.nextBoolean(), maybeProcess(r));
            case 4 -> new UserActivity(pickOrNull(r, UserActivity.Action.values()), maybe(r), r.nextInt(), r.nextBoolean(),
                    maybe(r), maybe(r), maybe(r), maybe(r), maybeProcess(r));
            case 5 -> new ExecutionBlocked(pickOrNull(r, ExecutionBlocked.Attempt.values()), maybe(r), maybe(r), maybe(r), maybeProcess(r));
            case 6 -> new YaraDetection(pickOrNull(r, YaraDetection.Trigger.values()), r.nextBoolean(), maybe(r), maybe(r), maybe(r),
                    maybe(r), args(r), List.of(new YaraDetection.StringHit(maybe(r), r.nextLong(0, 1L << 40), r.nextInt(1 << 16), maybe(r))),
                    maybeProcess(r));
            default -> new LossReport(maybe(r), r.nextLong(), r.nextBoolean() ? null : at, r.nextBoolean() ? null : at.plusSeconds(5), maybe(r));
        };
        return new Event(text(r), 0, at, r.nextInt(10) == 0 ? "" : text(r), flags, payload);
    }

    private static ProcessInfo maybeProcess(Random r) {
        return r.nextInt(5) == 0 ? null : process(r);
    }

    private static ProcessInfo process(Random r) {
        ProcessInfo.ParentRef parent = r.nextInt(4) == 0 ? null : new ProcessInfo.ParentRef(maybe(r), r.nextInt(), maybe(r), args(r));
        ProcessInfo.Credentials user = r.nextInt(4) == 0 ? null
                : new ProcessInfo.Credentials(r.nextInt(), maybe(r), r.nextInt(), maybe(r), r.nextInt(), r.nextInt(), r.nextInt());
        ProcessInfo.Namespaces ns = r.nextInt(3) == 0 ? null
                : new ProcessInfo.Namespaces(maybe(r), maybe(r), r.nextLong(), r.nextInt(3) == 0 ? 0 : r.nextLong(), r.nextInt(1000));
        return new ProcessInfo(maybe(r), r.nextInt(), r.nextInt(5) == 0 ? null : Instant.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000_000)),
                parent, maybe(r), args(r), maybe(r), maybe(r), user, r.nextLong(), maybe(r), ns, maybe(r), maybe(r));
    }

    private static List<String> args(Random r) {
        List<String> args = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) args.add(text(r));
        return args;
    }

    private static String maybe(Random r) {
        return r.nextInt(4) == 0 ? null : text(r);
    }

    /** Often a string of a small pool (interned), else new text: ASCII, multi-byte, supplementary, or longer than interned. */
    private static String text(Random r) {
        if (r.nextInt(3) == 0) return POOL[r.nextInt(POOL.length)];
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(r.nextInt(15) == 0 ? 3 * EventRecords.INTERN_MAX_CHARS : 20);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0 -> b.append((char) r.nextInt(0x20));
                case 1 -> b.append((char) (0x80 + r.nextInt(0x780)));
                case 2 -> b.append((char) (0x800 + r.nextInt(0xD000 - 0x800)));
                case 3 -> b.appendCodePoint(0x10000 + r.nextInt(0x100000));
                default -> b.append((char) (0x20 + r.nextInt(0x5F)));
            }
        }
        return b.toString();
    }

    private static <T> T pickOrNull(Random r, T[] values) {
        return r.nextInt(10) == 0 ? null : values[r.nextInt(values.length)];
    }
}
