package dev.kiroku.agent.command;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.ScanProgress;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import dev.kiroku.yara.scan.YaraScanService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's {@code yara.scan} command on real files with libyara: progress while it runs, the result at the end. */
class YaraScanCommandTest {
    private static final RuleSource RULE = new RuleSource("marker.yar",
            "rule agent_marker { strings: $a = \"KIROKU-AGENT-SCAN-MARKER\" condition: $a }");

    @Test
    void reportsProgressWhileItScansAndTheMatchesAtTheEnd(@TempDir Path tree) throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 12; i++) {
            byte[] content = new byte[64 * 1024];
            random.nextBytes(content);
            Files.write(tree.resolve("f" + i), content);
        }
        Files.writeString(tree.resolve("f5"), "xx KIROKU-AGENT-SCAN-MARKER yy");
        // 256 KiB/s over ~700 KiB: about three seconds, so progress is reported a few times.
        ScanOptions options = ScanOptions.defaults().withBudget(256 * 1024, 1.0);
        String request = YaraJson.write(new YaraScanRequest("t", List.of(RULE), List.of(tree.toString()), List.of(), options));
        List<String> progress = new CopyOnWriteArrayList<>();

        String answer = new YaraScanCommand().handle(Map.of("request", request), progress::add);

        YaraScanResult result = YaraJson.read(answer, YaraScanResult.class);
        assertThat(result.filesScanned()).isEqualTo(12);
        assertThat(result.matches()).singleElement().satisfies(m -> assertThat(m.file()).isEqualTo(tree.resolve("f5").toString()));
        assertThat(progress).isNotEmpty();
        List<ScanProgress> reported = progress.stream().map(p -> YaraJson.read(p, ScanProgress.class)).toList();
        assertThat(reported).allSatisfy(p -> assertThat(p.targetsPlanned()).isEqualTo(12));
        assertThat(reported).anySatisfy(p -> assertThat(p.percent()).isBetween(1, 99));
    }

    @Test
    void aLongListOfSkippedTargetsIsCutWithACount(@TempDir Path tree) throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(new ProcessBuilder("mkfifo", tree.resolve("pipe" + i).toString()).start().waitFor()).isZero();
        }
        YaraScanResult full = new YaraScanService().execute(new YaraScanRequest("t", List.of(RULE), List.of(tree.toString()), List.of(),
                ScanOptions.defaults()));
        assertThat(full.skipped()).hasSize(5).allSatisfy(s -> assertThat(s.reason()).isEqualTo("FIFO"));

        YaraScanResult cut = YaraScanCommand.listingAtMost(2, full);
        assertThat(cut.skipped()).hasSize(3);
        assertThat(cut.skipped().getLast().reason()).isEqualTo("3 more skipped targets not listed");
    }

    @Test
    void aRequestIsRequired() {
        assertThat(new CommandRegistry().register(new YaraScanCommand()).run("yara.scan", Map.of()).output())
                .contains("needs parameter 'request'");
    }
}
