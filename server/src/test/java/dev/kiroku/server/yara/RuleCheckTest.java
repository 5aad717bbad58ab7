package dev.kiroku.server.yara;

import dev.kiroku.yara.api.RuleSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checking YARA rule files with the real libyara before a sweep: errors by file and line, good files unaffected. */
class RuleCheckTest {
    private static final String GOOD = """
            rule dropper_marker {
              strings: $a = "KIROKU-DROPPER"
              condition: $a
            }
            """;
    private static final String BROKEN = """
            rule broken {
              strings: $a = "x"
              condition: $b
            }
            """;

    @Test
    @SuppressWarnings("unchecked")
    void eachFileIsReportedWithItsErrorsByLine() {
        Map<String, Object> report = RuleCheck.check(List.of(new RuleSource("good.yar", GOOD), new RuleSource("broken.yar", BROKEN)));
        assertThat(report.get("valid")).isEqualTo(false);
        assertThat(report.get("rules")).isEqualTo(1);
        List<Map<String, Object>> files = (List<Map<String, Object>>) report.get("files");
        assertThat(files).hasSize(2);
        Map<String, Object> good = files.stream().filter(f -> f.get("name").toString().contains("good")).findFirst().orElseThrow();
        Map<String, Object> broken = files.stream().filter(f -> f.get("name").toString().contains("broken")).findFirst().orElseThrow();
        assertThat(good.get("compiled")).isEqualTo(true);
        assertThat(broken.get("compiled")).isEqualTo(false);
        List<Map<String, Object>> errors = (List<Map<String, Object>>) broken.get("errors");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat((Integer) e.get("line")).as("libyara names the condition's line or the rule's end").isBetween(3, 4);
            assertThat(e.get("message").toString()).contains("$b");
        });

        assertThat(RuleCheck.check(List.of(new RuleSource("good.yar", GOOD))).get("valid")).isEqualTo(true);
        assertThatThrownBy(() -> RuleCheck.check(List.of())).hasMessageContaining("at least one rule file");
        assertThatThrownBy(() -> RuleCheck.check(List.of(new RuleSource("empty.yar", " ")))).hasMessageContaining("empty.yar");
    }
}
