package dev.kiroku.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written JSON writer against the Jackson mapper it replaces, on seeded random events. */
class EventJsonWriterTest {

    @Test
    void writesTheMappersBytesForRandomEvents() {
        Random random = new Random(20261127);
        for (int i = 0; i < 5_000; i++) {
            Event event = event(random);
            byte[] expected = mapperOrNull(event);
            assertThat(expected).as("the mapper writes event %d", i).isNotNull();
            byte[] actual = EventCodec.encode(event);
            assertThat(new String(actual, StandardCharsets.UTF_8)).as("event %d", i)
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(actual).isEqualTo(expected);
            assertThat(EventCodec.decode(actual)).isEqualTo(event);
        }
    }

    @Test
    void unpairedSurrogatesAreEscapedAsTheMapperDoes() {
        Event event = new Event("agent-1", 3, Instant.EPOCH, "host", List.of(),
                new FileChange(FileChange.Action.CREATE, "/tmp/a\uD800b", null, false, null));
        assertThat(new String(EventCodec.encode(event), StandardCharsets.UTF_8))
                .isEqualTo(new String(EventCodec.encodeWithMapper(event), StandardCharsets.UTF_8))
                .contains("a\\uD800b");
    }

    @Test
    void writesInstantsAsIsoInstantDoesOverEveryYearAndFractionShape() {
        Random random = new Random(71127);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("2000-02-29T12:00:00.5Z"),
                Instant.parse("1969-12-31T23:59:59.000001Z"), Instant.MIN, Instant.MAX));
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-70_000_000_000L, 260_000_000_000L);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nanos));
        }
        for (Instant at : instants) {
            Event event = new Event("agent-1", 3, at, "host", List.of(), new FileChange(FileChange.Action.CREATE, "/a", null, false, null));
            assertThat(new String(EventCodec.encode(event), StandardCharsets.UTF_8)).as("instant %s", at)
                    .isEqualTo(new String(EventCodec.encodeWithMapper(event), StandardCharsets.UTF_8))
                    .contains("\"" + at + "\"");
        }
    }

    private static byte[] mapperOrNull(Event event) {
        try {
            return EventCodec.encodeWithMapper(event);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A random event of any payload type, with random optional parts (shared with {@code EventJsonReaderTest}). */
    static Event event(Random r) {
        List<Incomplete> flags = new ArrayList<>();
        for (Incomplete f : Incomplete.values()) if (r.nextInt(8) == 0) flags.add(f);
        Instant at = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
        Payload payload = switch (r.nextInt(8)) {
            case 0 -> new ProcessStart(process(r), r.nextBoolean());
            case 1 -> new ProcessExit(process(r), r.nextInt(300) - 20, r.nextInt(40));
            case 2 -> new FileChange(pick(r, FileChange.Action.values()), text(r), maybe(r), r.nextBoolean(), maybeProcess(r),
                    maybe(r), maybe(r), maybe(r));
            case 3 -> new NetworkActivity(pick(r, NetworkActivity.Action.values()), maybe(r), maybe(r), r.nextInt(70_000),
                    maybe(r), r.nextInt(70_000), r.nextBoolean(), maybeProcess(r));
            case 4 -> new UserActivity(pick(r, UserActivity.Action.values()), maybe(r), r.nextInt(70_000) - 1, r.nextBoolean(),
                    maybe(r), maybe(r), maybe(r), maybe(r), maybeProcess(r));
            case 5 -> new ExecutionBlocked(r.nextInt(5) == 0 ? null : pick(r, ExecutionBlocked.Attempt.values()), maybe(r), maybe(r),
                    maybe(r), maybeProcess(r));
            case 6 -> new YaraDetection(r.nextInt(5) == 0 ? null : pick(r, YaraDetection.Trigger.values()), r.nextBoolean(), maybe(r),
                    maybe(r), maybe(r), maybe(r), r.nextBoolean() ? List.of() : List.of(text(r), text(r)),
                    r.nextBoolean() ? List.of() : List.of(new YaraDetection.StringHit(text(r), r.nextLong() & Long.MAX_VALUE,
                            r.nextInt(100), maybe(r))), maybeProcess(r));
            default -> new LossReport(maybe(r), r.nextLong(), r.nextBoolean() ? null : at, r.nextBoolean() ? null : at.plusSeconds(5), maybe(r));
        };
        return new Event(text(r), r.nextInt(3) == 0 ? 0 : r.nextLong() & Long.MAX_VALUE, at, r.nextInt(10) == 0 ? null : text(r),
                flags, payload);
    }

    private static ProcessInfo maybeProcess(Random r) {
        return r.nextInt(5) == 0 ? null : process(r);
    }

    private static ProcessInfo process(Random r) {
        ProcessInfo.ParentRef parent = r.nextInt(4) == 0 ? null
                : new ProcessInfo.ParentRef(maybe(r), r.nextInt(), maybe(r), args(r));
        ProcessInfo.Credentials user = r.nextInt(4) == 0 ? null
                : new ProcessInfo.Credentials(r.nextInt(), maybe(r), r.nextInt(), maybe(r), r.nextInt(), r.nextInt(), r.nextInt());
        ProcessInfo.Namespaces ns = r.nextInt(3) == 0 ? null
                : new ProcessInfo.Namespaces(maybe(r), maybe(r), r.nextLong(), r.nextInt(3) == 0 ? 0 : r.nextLong(), r.nextInt(1000));
        return new ProcessInfo(maybe(r), r.nextInt(), r.nextInt(5) == 0 ? null : Instant.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000_000)),
                parent, maybe(r), r.nextInt(5) == 0 ? null : args(r), maybe(r), maybe(r), user, r.nextLong(), maybe(r), ns,
                maybe(r), maybe(r));
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

    /** Text with what JSON must escape, multi-byte characters and surrogate pairs. */
    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(r.nextInt(10) == 0 ? 300 : 20);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> b.append((char) r.nextInt(0x20));
                case 1 -> b.append("\"\\/\u007f".charAt(r.nextInt(4)));
                case 2 -> b.append((char) (0x80 + r.nextInt(0x780)));
                case 3 -> b.append((char) (0x800 + r.nextInt(0xD000 - 0x800)));
                case 4 -> {
                    if (r.nextInt(10) == 0) b.append((char) (0xD800 + r.nextInt(0x800))); // unpaired surrogate
                    else b.appendCodePoint(0x10000 + r.nextInt(0x100000));
                }
                default -> b.append((char) (0x20 + r.nextInt(0x5F)));
            }
        }
        return b.toString();
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
