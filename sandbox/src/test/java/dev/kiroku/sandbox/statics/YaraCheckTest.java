package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The YARA static check through real libyara: Kiroku's own rule set, configured rule files, bad rule files. */
class YaraCheckTest {
    static YaraCheck builtIn;
    static StaticAnalyzer analyzer;

    @BeforeAll
    static void load() {
        builtIn = YaraCheck.load(List.of());
        List<StaticCheck> checks = new ArrayList<>(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()));
        checks.add(builtIn);
        analyzer = new StaticAnalyzer(checks, ArchiveLimits.defaults());
    }

    @AfterAll
    static void close() {
        builtIn.close();
    }

    private static List<Reason> yara(StaticReport report) {
        return report.reasons().stream().filter(r -> r.code().startsWith("static.yara.")).toList();
    }

    @Test
    void kirokusRulesMatchTheMaliciousSamplesWithEvidence() throws IOException {
        assertThat(builtIn.problems()).isEmpty();
        assertThat(builtIn.ruleCount()).isGreaterThanOrEqualTo(9);
        Reason shell = yara(analyzer.analyze("reverse-shell.sh", ContentAnalysisTest.sample("reverse-shell.sh"))).getFirst();
        assertThat(shell.code()).isEqualTo("static.yara.kiroku_reverse_shell_dev_tcp");
        assertThat(shell.weight()).isEqualTo(30);
        assertThat(shell.summary()).contains("reverse shell");
        assertThat(shell.evidence()).startsWith("reverse-shell.sh (rule set kiroku-sandbox): ")
                .contains("$dev at offset ", "\"/dev/tcp/203.0.113.66/4444\"");
        assertThat(yara(analyzer.analyze("miner.py", ContentAnalysisTest.sample("miner.py")))).extracting(Reason::code)
                .containsExactly("static.yara.kiroku_crypto_miner");
        assertThat(yara(analyzer.analyze("evasive.sh", ContentAnalysisTest.sample("evasive.sh")))).extracting(Reason::code)
                .containsExactly("static.yara.kiroku_download_and_run");
    }

    @Test
    void benignSamplesMatchNothing() throws IOException {
        for (String benign : List.of("benign-tool.sh", "benign-report.py", "dropper.sh", "persistence.sh"))
            assertThat(yara(analyzer.analyze(benign, ContentAnalysisTest.sample(benign)))).as(benign).isEmpty();
    }

    @Test
    void archiveMembersAreScannedAndNamed() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("kit/install.sh"));
            out.write("#!/bin/sh\necho 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKirokuTestKeyOnly0123456789 x' >> /root/.ssh/authorized_keys\n".getBytes());
            out.closeEntry();
        }
        List<Reason> found = yara(analyzer.analyze("kit.zip", zip.toByteArray()));
        assertThat(found).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo("static.yara.kiroku_ssh_key_implant");
            assertThat(r.evidence()).startsWith("kit.zip!kit/install.sh (rule set kiroku-sandbox)");
        });
    }

    @Test
    void configuredRuleFilesRunAndBadOnesAreNamedAndSkipped(@TempDir Path dir) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("site.yar"), """
                rule site_marker { meta: description = "our marker" score = 80 strings: $m = "KIROKU-SITE-MARKER" condition: $m }
                rule site_plain { strings: $m = "KIROKU-SITE-MARKER" condition: $m }
                """);
        Files.writeString(rules.resolve("broken.yar"), "rule broken { condition: undefined_thing }\n");
        Path missing = dir.resolve("nowhere.yar");
        try (YaraCheck check = YaraCheck.load(List.of(rules, missing))) {
            assertThat(check.problems()).anySatisfy(p -> assertThat(p).contains("broken.yar", "refused by libyara"))
                    .anySatisfy(p -> assertThat(p).isEqualTo(missing + ": no such rule file or directory")).hasSize(2);
            StaticSubject subject = new StaticSubject("note.txt", "0".repeat(64), "x KIROKU-SITE-MARKER y".getBytes(), FileType.TEXT, null, null);
            List<Reason> found = check.check(subject);
            assertThat(found).extracting(Reason::code, Reason::weight)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("static.yara.site_marker", 40),
                            org.assertj.core.groups.Tuple.tuple("static.yara.site_plain", YaraCheck.DEFAULT_WEIGHT));
            assertThat(found).allSatisfy(r -> assertThat(r.evidence()).contains("site.yar", "$m at offset 2"));
        }
    }

    @Test
    void manyMatchesAddAtMostTheCap(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) text.append("rule r").append(i).append(" { meta: weight = 30 strings: $m = \"CAPPED\" condition: $m }\n");
        Files.writeString(dir.resolve("many.yar"), text);
        try (YaraCheck check = YaraCheck.load(List.of(dir.resolve("many.yar")))) {
            List<Reason> found = check.check(new StaticSubject("f", "0".repeat(64), "CAPPED".getBytes(), FileType.TEXT, null, null));
            assertThat(found).hasSize(10);
            assertThat(found.stream().mapToInt(Reason::weight).sum()).isEqualTo(YaraCheck.MAX_TOTAL);
        }
    }

    /** Third-party rules (test input only, read from the shared datasets): they load next to Kiroku's and match. */
    @Test
    void publicRuleSetLoads() throws IOException {
        Path file = Path.of("../../shared/datasets/yara/Neo23x0+signature-base/yara/crime_crypto_miner.yar").toAbsolutePath().normalize();
        assumeThat(Files.exists(file)).as("dataset absent: " + file).isTrue();
        try (YaraCheck check = YaraCheck.load(List.of(file))) {
            assertThat(check.problems()).isEmpty();
            assertThat(check.ruleCount()).isGreaterThan(builtIn.ruleCount());
            List<Reason> found = check.check(new StaticSubject("run.sh", "0".repeat(64),
                    "#!/bin/sh\n./x -o pool.example:3333 --donate-level 1 -B\n".getBytes(), FileType.SHELL_SCRIPT, null, null));
            assertThat(found).extracting(Reason::code).contains("static.yara.SUSP_LNX_SH_CryptoMiner_Indicators_Dec20_1");
        }
    }
}
