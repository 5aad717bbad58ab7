package dev.kiroku.yara.compile;

import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.MissingModule;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every rule file under {@code ../shared/datasets/yara} gets the same verdict from Kiroku as from libyara's own
 * {@code yarac}: what yarac accepts compiles through Kiroku, what it refuses Kiroku refuses with a reason, and the
 * rules needing a module this libyara lacks are named.
 */
class DatasetRulesTest {
    private static Path datasets() {
        String configured = System.getProperty("kiroku.datasets");
        return configured != null ? Path.of(configured, "yara") : Path.of("../../shared/datasets/yara");
    }

    @Test
    void everyRuleSetLibyaraAcceptsCompilesThroughKiroku() throws Exception {
        Path root = datasets();
        assumeTrue(Files.isDirectory(root), "YARA datasets not found at " + root.toAbsolutePath() + "; skipping");
        root = root.toAbsolutePath().normalize();
        List<Path> files = RuleSetCompiler.ruleFiles(List.of(root));
        RuleSetCompiler compiler = new RuleSetCompiler();
        YaracCli yarac = new YaracCli();
        List<String> disagreements = new ArrayList<>();
        int compiled = 0;
        int refused = 0;
        List<MissingModule> missing = new ArrayList<>();
        for (Path file : files) {
            FileVerdict ours = compiler.check(file);
            YaracCli.Verdict theirs = yarac.check(file);
            if (ours.compiled() != theirs.accepted()) {
                disagreements.add(file + ": kiroku " + ours.status() + " " + ours.reason() + " / yarac " + theirs.message());
            }
            if (ours.compiled()) {
                compiled++;
            } else {
                refused++;
                assertThat(ours.reason()).as("refusal reason of %s", file).contains(file.toString()).containsPattern("\\(\\d+\\)");
                missing.addAll(ours.missingModules());
            }
        }
        System.out.printf("yara datasets: %d files, %d compiled through Kiroku, %d refused (yarac agrees on all but %d)%n",
                files.size(), compiled, refused, disagreements.size());
        missing.forEach(m -> System.out.printf("  missing module %s in %s(%d): rules %s%n", m.module(), m.file(), m.line(), m.rules()));
        assertThat(disagreements).isEmpty();
        assertThat(files).hasSizeGreaterThan(1000);
        assertThat(compiled).isGreaterThan(1000);
        // Only androguard is missing; most files name the rules using it (some import it and never use it).
        assertThat(missing).isNotEmpty().allSatisfy(m -> assertThat(m.module()).isEqualTo("androguard"));
        assertThat(missing).filteredOn(m -> !m.rules().isEmpty()).hasSizeGreaterThan(40);
    }
}
