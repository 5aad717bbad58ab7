package dev.kiroku.sensor.linux.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FieldNamesTest {

    @Test
    void gives_the_same_string_for_a_name_seen_before() {
        FieldNames names = new FieldNames();
        byte[] record = "pid=1 uid=0 pid=2".getBytes(StandardCharsets.ISO_8859_1);
        String first = names.of(record, 0, 3);
        assertThat(first).isEqualTo("pid");
        assertThat(names.of(record, 12, 3)).isSameAs(first);
        assertThat(names.of(record, 6, 3)).isEqualTo("uid");
    }

    /** Any bytes, colliding slots and long names included: always the text of the bytes. */
    @Test
    void always_returns_the_text_of_the_bytes() {
        Random random = new Random(1127);
        FieldNames names = new FieldNames();
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int j = 0; j < b.length; j++) b[j] = (byte) (random.nextBoolean() ? 'a' + random.nextInt(4) : random.nextInt(256));
            int from = random.nextInt(b.length);
            int length = random.nextInt(b.length - from + 1);
            assertThat(names.of(b, from, length)).isEqualTo(new String(b, from, length, StandardCharsets.ISO_8859_1));
        }
    }
}
