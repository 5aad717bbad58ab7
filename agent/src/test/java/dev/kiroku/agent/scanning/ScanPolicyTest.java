package dev.kiroku.agent.scanning;

import dev.kiroku.agent.policy.Policy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScanPolicyTest {

    @Test
    void theYaraParametersOfAPolicyAreRead() {
        Policy policy = Policy.fromParameters(Map.of("version", "3", "yara.rules", PolicyScansTest.RULES,
                "yara.scan_on_write", "/tmp, /home/**", "yara.scan_on_write.files", "all", "yara.max_size", "1000000",
                "yara.scan_before_exec", "block", "yara.rate", "1048576", "yara.duty", "0.1"));
        ScanPolicy yara = policy.yara();
        assertThat(yara.rules()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("team-rules"));
        assertThat(yara.onWrite()).containsExactly("/tmp", "/home/**");
        assertThat(yara.onWriteFiles()).isEqualTo(ScanPolicy.Files.ALL);
        assertThat(yara.maxBytes()).isEqualTo(1_000_000);
        assertThat(yara.beforeExec()).isEqualTo(ScanPolicy.ExecMode.BLOCK);
        assertThat(yara.bytesPerSecond()).isEqualTo(1 << 20);
        assertThat(yara.dutyCycle()).isEqualTo(0.1);
        assertThat(yara.enabled()).isTrue();
        assertThat(ScanPolicy.matcher("/tmp").matches(java.nio.file.Path.of("/tmp/a/b"))).isTrue();
        assertThat(ScanPolicy.matcher("/tmp").matches(java.nio.file.Path.of("/tmpfoo/b"))).isFalse();
        assertThat(ScanPolicy.matcher("/home/**").matches(java.nio.file.Path.of("/home/alice/x"))).isTrue();
        assertThat(Policy.fromParameters(Map.of("version", "4")).yara()).isEqualTo(ScanPolicy.OFF);
    }

    @Test
    void badParametersAreRefusedByName() {
        assertBad(Map.of("yara.scan_on_write", "/tmp"), "needs at least one rule set");
        assertBad(Map.of("yara.rules", PolicyScansTest.RULES, "yara.scan_on_write", "tmp/*"), "not an absolute path");
        assertBad(Map.of("yara.rules", PolicyScansTest.RULES, "yara.scan_before_exec", "maybe"), "parameter 'yara.scan_before_exec': 'maybe' is not one of [off, alert, block]");
        assertBad(Map.of("yara.rules", "not json"), "yara.rules is not a JSON array");
        assertBad(Map.of("yara.rules", "[{\"name\":\"x\"}]"), "yara.rules[0] has no source");
        assertBad(Map.of("yara.rules", PolicyScansTest.RULES, "yara.duty", "2"), "parameter 'yara.duty' must be in (0, 1], got 2");
        assertBad(Map.of("yara.rules", PolicyScansTest.RULES, "yara.max_size", "big"), "'yara.max_size' is not a number");
    }

    private static void assertBad(Map<String, String> parameters, String message) {
        assertThatThrownBy(() -> ScanPolicy.fromParameters(parameters)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
