package dev.kiroku.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streaming reader against the Jackson mapper it stands in for, on seeded random, reshaped and damaged events. */
class EventJsonReaderTest {

    @Test
    void readsEveryRandomEventTheWriterWritesWithoutTheMapper() throws Exception {
        Random random = new Random(20261127);
        for (int i = 0; i < 5_000; i++) {
            Event event = EventJsonWriterTest.event(random);
            byte[] bytes = EventCodec.encode(event);
            assertThat(EventJsonReader.read(bytes, 0, bytes.length)).as("event %d", i).isEqualTo(event);
        }
    }

    @Test
    void readsAnEventInsideALargerBuffer() throws Exception {
        Event event = EventJsonWriterTest.event(new Random(3));
        byte[] bytes = EventCodec.encode(event);
        byte[] framed = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, framed, 7, bytes.length);
        assertThat(EventJsonReader.read(framed, 7, bytes.length)).isEqualTo(event);
        assertThat(EventCodec.decode(framed, 7, bytes.length)).isEqualTo(event);
    }

    /** Fields in another order, unknown fields, whitespace: not the writer's shape, but the same event. */
    @Test
    void reshapedJsonIsReadAsTheMapperReadsIt() throws Exception {
        Random random = new Random(1127);
        for (int i = 0; i < 1_000; i++) {
            Event event = EventJsonWriterTest.event(random);
            ObjectNode tree = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(event));
            ObjectNode payload = (ObjectNode) tree.get("payload");
            List<String> names = new ArrayList<>();
            payload.fieldNames().forEachRemaining(names::add);
            Collections.shuffle(names, random);
            ObjectNode shuffled = EventCodec.mapper().createObjectNode();
            for (String name : names) shuffled.set(name, payload.get(name));
            if (random.nextBoolean()) shuffled.putObject("addedLater").put("x", 1).putArray("y").add("z");
            tree.set("payload", shuffled);
            tree.put("unknownField", random.nextInt());
            byte[] bytes = EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
            assertThat(EventCodec.decode(bytes)).as("reshaped event %d: %s", i, new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(event);
        }
    }

    /**
     * Bytes damaged at random: whenever the reader takes them, the mapper takes them too and reads the same event;
     * otherwise decoding gives the mapper's answer, an event or a {@link MalformedEventException}, and nothing else.
     */
    @Test
    void damagedBytesAreNeverMisread() {
        Random random = new Random(42);
        int readByReader = 0;
        int refused = 0;
        for (int i = 0; i < 8_000; i++) {
            byte[] bytes = damage(EventCodec.encode(EventJsonWriterTest.event(random)), random);
            Event mapper = mapperOrNull(bytes);
            try {
                Event reader = EventJsonReader.read(bytes, 0, bytes.length);
                readByReader++;
                assertThat(mapper).as("damaged input %d taken by the reader: %s", i, new String(bytes, StandardCharsets.UTF_8))
                        .isEqualTo(reader);
            } catch (EventJsonReader.NotCanonical notCanonical) {
                if (mapper == null) {
                    refused++;
                    assertThatThrownBy(() -> EventCodec.decode(bytes)).isInstanceOf(MalformedEventException.class)
                            .hasMessageStartingWith("not a Kiroku event");
                } else {
                    assertThat(EventCodec.decode(bytes)).isEqualTo(mapper);
                }
            }
        }
        assertThat(readByReader).as("damage the reader still reads (e.g. inside a string)").isGreaterThan(300);
        assertThat(refused).as("damage refused").isGreaterThan(300);
    }

    @Test
    void parsesInstantsAsTheIsoParserDoes() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("2026-11-27T12:09:17Z", "2026-11-27T12:09:17.1Z", "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z",
                "2026-11-27T23:59:60Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-11-27t12:09:17z",
                "2026-11-27T12:09:17.Z", "2026-11-27T12:09:17.1234567890Z", "+2026-11-27T12:09:17Z", "2026-11-27 12:09:17Z",
                "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1969-12-31T23:59:59.5Z"));
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L), random.nextInt(1_000_000_000));
            String text = at.toString();
            texts.add(text);
            char[] damaged = text.toCharArray();
            damaged[random.nextInt(damaged.length)] = "0123456789-:.TZ x".charAt(random.nextInt(17));
            texts.add(new String(damaged));
        }
        for (String text : texts) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                expected = null;
            }
            Instant fast = IsoInstants.parse(text.toCharArray(), 0, text.length());
            if (fast != null) {
                assertThat(fast).as(text).isEqualTo(expected);
            } else if (expected != null) {
                assertThat(text.matches("\\d{4}-\\d\\d-\\d\\dT([01]\\d|2[0-3]):\\d\\d:[0-5]\\d(\\.\\d{1,9})?Z"))
                        .as("%s, in the writer's shape, is left to the general parser", text).isFalse();
            }
        }
    }

    private static byte[] damage(byte[] bytes, Random r) {
        byte[] out = bytes.clone();
        int at = r.nextInt(out.length);
        switch (r.nextInt(6)) {
            case 0 -> out[at] = (byte) r.nextInt(256);
            case 1 -> out[at] = (byte) "{}[]\":,0123456789-.eE tnfr\\".charAt(r.nextInt(26));
            case 2 -> {
                int end = Math.min(out.length, at + 1 + r.nextInt(20));
                byte[] shorter = new byte[out.length - (end - at)];
                System.arraycopy(out, 0, shorter, 0, at);
                System.arraycopy(out, end, shorter, at, out.length - end);
                out = shorter;
            }
            case 3 -> out = java.util.Arrays.copyOf(out, at);
            case 4 -> {
                byte[] insert = List.of("null", "1", "1.5", "\"x\"", "{}", "[]", "true", "99999999999", ",\"pid\":1")
                        .get(r.nextInt(9)).getBytes(StandardCharsets.US_ASCII);
                byte[] longer = new byte[out.length + insert.length];
                System.arraycopy(out, 0, longer, 0, at);
                System.arraycopy(insert, 0, longer, at, insert.length);
                System.arraycopy(out, at, longer, at + insert.length, out.length - at);
                out = longer;
            }
            default -> {
                String text = new String(out, StandardCharsets.UTF_8);
                String[] swaps = {"\"process_start\"", "\"process_exit\"", "\"CREATE\"", "\"LOGON\"", "\"ARGS\"", "\"network\""};
                String from = swaps[r.nextInt(swaps.length)];
                out = text.replace(from, swaps[r.nextInt(swaps.length)]).replace("\"pid\":", "\"pid\":\"7\",\"x\":")
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    private static Event mapperOrNull(byte[] bytes) {
        try {
            return EventCodec.decodeWithMapper(bytes, 0, bytes.length);
        } catch (MalformedEventException e) {
            return null;
        }
    }
}
