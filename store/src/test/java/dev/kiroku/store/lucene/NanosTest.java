package dev.kiroku.store.lucene;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NanosTest {

    @Test
    void readsInstantTextAsInstantParseDoes() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_799L); // years 0000..9999
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(Nanos.ofText(instant.toString())).as(instant.toString()).isEqualTo(Nanos.of(instant));
        }
    }

    @Test
    void otherFormsGoThroughInstantParse() {
        assertThat(Nanos.ofText("2025-03-10T08:00:00.5Z")).isEqualTo(Nanos.of(Instant.parse("2025-03-10T08:00:00.500Z")));
        assertThat(Nanos.ofText("+12025-03-10T08:00:00Z")).isEqualTo(Long.MAX_VALUE);
        for (String odd : new String[]{"2025-02-30T08:00:00Z", "2025-03-10T24:00:00Z", "2025-03-10T23:59:60Z",
                "2025-03-10T08:00:00.Z", "2025-03-1xT08:00:00Z", "2025-13-10T08:00:00Z", "2025-03-10T08:00:00+01:00"}) {
            Long expected;
            try {
                expected = Nanos.of(Instant.parse(odd));
            } catch (DateTimeParseException e) {
                expected = null;
            }
            if (expected == null) {
                assertThatThrownBy(() -> Nanos.ofText(odd)).as(odd).isInstanceOf(DateTimeParseException.class);
            } else {
                assertThat(Nanos.ofText(odd)).as(odd).isEqualTo(expected);
            }
        }
    }
}
