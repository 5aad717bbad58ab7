package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionTest {
    /** Searches a, b, c, sel_x, sel_y, _hidden: a, sel_x and _hidden hold on the event; b, c and sel_y do not. */
    static final String SEARCHES = """
        a:
          f: 1
        b:
          f: 2
        c:
          g: 3
        sel_x:
          h: x
        sel_y:
          h: y
        _hidden:
          f: 1
        """;
    static final Map<String, Object> EVENT = Map.of("f", 1, "h", "x");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        a                                | true
        b                                | false
        a and b                          | false
        a or b                           | true
        not b                            | true
        not a                            | false
        a and not b                      | true
        b or c or a                      | true
        (a or b) and c                   | false
        a or b and c                     | true
        not (a and b)                    | true
        not a or b                       | false
        1 of sel_*                       | true
        all of sel_*                     | false
        any of sel_*                     | true
        1 of them                        | true
        all of them                      | false
        2 of them                        | true
        3 of them                        | false
        all of sel_x                     | true
        a and 1 of sel_* and not b       | true
        a AND NOT b                      | true
        a And Not b                      | true
        """)
    void condition_table(String condition, boolean expected) {
        String detection = SEARCHES + "condition: " + condition;
        assertThat(Rules.matches(detection, EVENT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "condition list {0}")
    @CsvSource(delimiter = '|', textBlock = """
        [b, a]     | true
        [b, c]     | false
        """)
    void a_list_of_conditions_is_an_or(String list, boolean expected) {
        assertThat(Rules.matches(SEARCHES + "condition: " + list, EVENT)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void a_list_of_maps_is_an_or_and_a_map_is_an_and() {
        String det = "sel:\n  - f: 1\n    h: nope\n  - h: x\ncondition: sel";
        assertThat(Rules.matches(det, EVENT)).isTrue();
        String det2 = "sel:\n  f: 1\n  h: nope\ncondition: sel";
        assertThat(Rules.matches(det2, EVENT)).isFalse();
    }
}
