package dev.kiroku.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiroku.detect.sigma.LoadReport;
import dev.kiroku.detect.sigma.model.RuleMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Linux rule pack: every rule loads, applies to Kiroku's events through the field mapping, fires on its
 * positive test events and stays quiet on its negative ones; the pack meets its coverage floor. Writes
 * {@code COVERAGE.md} (technique -> rules) as a side effect.
 */
class RulePackTest {
    static final Path MODULE = moduleDir();
    static final Path RULES = MODULE.resolve("src/main/resources/rules");
    static final Path TESTS = MODULE.resolve("src/test/resources/rule-tests");
    static final int MIN_RULES = 80;
    static final int MIN_TECHNIQUES = 40;
    static final int MAX_BENIGN_ALERTS = 5;

    static RulePack pack;

    @BeforeAll
    static void load() {
        pack = RulePack.load(RULES, TESTS);
    }

    @Test
    void everyRuleFileLoadsWithoutProblems() {
        List<String> refused = new ArrayList<>();
        for (LoadReport.FileReport f : pack.loaded().report().files()) {
            if (f.status() != LoadReport.Status.LOADED || !f.problems().isEmpty()) {
                refused.add(f.file() + ": " + f.problems());
            }
        }
        assertThat(refused).as("refused rule files").isEmpty();
        assertThat(pack.ruleFiles()).isNotEmpty();
        assertThat(pack.loaded().report().files()).hasSize(pack.ruleFiles().size());
    }

    @Test
    void everyRuleAppliesToKirokuEvents() {
        Map<String, String> skipped = RulePack.mapping().bind(pack.loaded().rules().rules()).skipped();
        assertThat(skipped).as("rules with no logsource target or unmapped fields (they could never fire)").isEmpty();
    }

    @Test
    void everyRuleHasMetadataAndTests() {
        for (RulePack.Entry e : pack.entries()) {
            RuleMeta m = e.meta();
            String where = RULES.relativize(e.ruleFile()).toString();
            assertThat(m.id()).as(where + " id").matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(m.author()).as(where + " author").isEqualTo("Kiroku");
            assertThat(m.status()).as(where + " status").isIn("experimental", "test", "stable");
            assertThat(m.level()).as(where + " level").isIn("informational", "low", "medium", "high", "critical");
            assertThat(m.description()).as(where + " description").isNotBlank();
            assertThat(m.references()).as(where + " references").isNotEmpty();
            assertThat(m.falsePositives()).as(where + " falsepositives").isNotEmpty();
            assertThat(m.techniques()).as(where + " technique tags").isNotEmpty();
            assertThat(m.tactics()).as(where + " tactic tags").isNotEmpty();
            assertThat(e.positives()).as(where + " positive tests").isNotEmpty();
            assertThat(e.negatives()).as(where + " negative tests").isNotEmpty();
        }
        Set<String> orphans = pack.orphanTestFiles();
        assertThat(orphans).as("test files without a rule").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> ruleTestEvents() {
        return pack.entries().stream().map(e -> DynamicTest.dynamicTest(RULES.relativize(e.ruleFile()).toString(), () -> {
            List<String> failures = new ArrayList<>();
            int i = 0;
            for (RulePack.TestCase tc : e.positives()) {
                if (!pack.fires(e, tc)) failures.add("match[" + i + "] did not fire: " + tc);
                i++;
            }
            i = 0;
            for (RulePack.TestCase tc : e.negatives()) {
                if (pack.fires(e, tc)) failures.add("no_match[" + i + "] fired: " + tc);
                i++;
            }
            assertThat(failures).as(e.meta().title()).isEmpty();
        }));
    }

    @Test
    void coverageFloorAndTable() throws IOException {
        Map<String, Set<String>> byTechnique = new TreeMap<>();
        for (RulePack.Entry e : pack.entries()) {
            for (String t : e.meta().techniques()) {
                byTechnique.computeIfAbsent(t, k -> new TreeSet<>()).add(RULES.relativize(e.ruleFile()).toString().replace('\\', '/'));
            }
        }
        Set<String> parents = byTechnique.keySet().stream().map(t -> t.contains(".") ? t.substring(0, t.indexOf('.')) : t)
                .collect(Collectors.toCollection(TreeSet::new));
        Files.writeString(MODULE.resolve("COVERAGE.md"), Coverage.markdown(pack, byTechnique, parents));
        assertThat(pack.entries().size()).as("rules").isGreaterThanOrEqualTo(MIN_RULES);
        assertThat(parents.size()).as("distinct ATT&CK techniques (sub-techniques folded)").isGreaterThanOrEqualTo(MIN_TECHNIQUES);
    }

    /**
     * Replays a recorded benign workload (JSON lines of ECS events, {@code -Dkiroku.content.benign=FILE}) through
     * every standalone rule and prints what fired; at most {@value #MAX_BENIGN_ALERTS} alerts are allowed.
     */
    @Test
    void benignWorkloadStaysQuiet() throws IOException {
        String file = System.getProperty("kiroku.content.benign");
        Assumptions.assumeTrue(file != null && !file.isBlank(), "no recorded benign workload given");
        List<String> alerts = pack.replay(Path.of(file));
        alerts.forEach(a -> System.out.println("benign alert: " + a));
        assertThat(alerts).as("alerts on the benign workload").hasSizeLessThanOrEqualTo(MAX_BENIGN_ALERTS);
    }

    private static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("src/main/resources/rules"))) return here;
        return here.resolve("content");
    }
}
