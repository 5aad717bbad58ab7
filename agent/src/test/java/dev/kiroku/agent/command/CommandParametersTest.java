package dev.kiroku.agent.command;

import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandParametersTest {
    private final CommandParameters read = new CommandParameters(Map.of("list", " a, ,b ,c", "lines", "/x\n\n /y \n",
            "n", " 42 ", "blank", "  ", "duty", "0.5", "unit", "Days", "bad", "12x", "zero", "0"));

    @Test
    void absentAndBlankParametersTakeTheirDefaults() {
        assertThat(read.text("missing")).isNull();
        assertThat(read.text("blank")).isNull();
        assertThat(read.list("blank")).isEmpty();
        assertThat(read.number("blank", 7)).isEqualTo(7);
        assertThat(read.fraction("missing", 0.25)).isEqualTo(0.25);
        assertThat(read.choice("missing", ChronoUnit.class, ChronoUnit.HOURS)).isEqualTo(ChronoUnit.HOURS);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("n", null);
        assertThat(new CommandParameters(withNull).number("n", 3)).isEqualTo(3);
    }

    @Test
    void valuesAreReadWithoutSurroundingBlanks() {
        assertThat(read.list("list")).containsExactly("a", "b", "c");
        assertThat(read.list("lines", "\n")).containsExactly("/x", "/y");
        assertThat(read.number("n", 0)).isEqualTo(42);
        assertThat(read.fraction("duty", 1)).isEqualTo(0.5);
        assertThat(read.choice("unit", ChronoUnit.class, null)).isEqualTo(ChronoUnit.DAYS);
    }

    @Test
    void badValuesAreRefusedNamingTheParameterAndTheValue() {
        assertThatThrownBy(() -> read.number("bad", 0)).hasMessage("parameter 'bad' is not a number: 12x");
        assertThatThrownBy(() -> read.fraction("bad", 1)).hasMessage("parameter 'bad' is not a number: 12x");
        assertThatThrownBy(() -> read.fraction("zero", 1)).hasMessage("parameter 'zero' must be in (0, 1], got 0");
        assertThatThrownBy(() -> read.fraction("n", 1)).hasMessage("parameter 'n' must be in (0, 1], got  42 ");
        assertThatThrownBy(() -> read.choice("bad", ChronoUnit.class, null)).hasMessageStartingWith("parameter 'bad': '12x' is not one of [nanos, ");
    }
}
