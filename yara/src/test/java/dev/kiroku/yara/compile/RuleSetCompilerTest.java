package dev.kiroku.yara.compile;

import dev.kiroku.yara.api.CompileDiagnostic;
import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.RuleSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuleSetCompilerTest {
    @TempDir
    Path dir;

    private final RuleSetCompiler compiler = new RuleSetCompiler();

    @Test
    void goodFileCompilesAndCountsItsRules() throws IOException {
        Path good = write("good.yar", """
                rule first { strings: $a = "alpha" condition: $a }
                rule second { condition: filesize < 10 }
                """);
        try (CompiledRules rules = compiler.compileFiles(List.of(good))) {
            assertThat(rules.ruleCount()).isEqualTo(2);
            assertThat(rules.verdicts()).singleElement().satisfies(v -> {
                assertThat(v.status()).isEqualTo(FileVerdict.Status.COMPILED);
                assertThat(v.rules()).isEqualTo(2);
                assertThat(v.errors()).isEmpty();
            });
        }
    }

    @Test
    void syntaxErrorIsReportedWithFileAndLine() throws IOException {
        Path broken = write("broken.yar", """
                rule fine { condition: true }

                rule broken {
                    strings: $a = "x"
                    condition: $a and and
                }
                """);
        FileVerdict verdict = compiler.check(broken);
        assertThat(verdict.status()).isEqualTo(FileVerdict.Status.REFUSED);
        assertThat(verdict.errors()).first().satisfies(e -> {
            assertThat(e.file()).isEqualTo(broken.toString());
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.message()).contains("syntax error");
        });
        assertThat(verdict.reason()).contains("broken.yar(5)");
    }

    @Test
    void warningsAreReportedWithLineAndRule() throws IOException {
        Path slow = write("slow.yar", """
                rule fine { condition: true }
                rule slow_rule {
                    strings:
                        $a = { 00 ?? }
                    condition: $a
                }
                """);
        FileVerdict verdict = compiler.check(slow);
        assertThat(verdict.status()).isEqualTo(FileVerdict.Status.COMPILED);
        assertThat(verdict.warnings()).isNotEmpty().first().satisfies(w -> {
            assertThat(w.level()).isEqualTo(CompileDiagnostic.Level.WARNING);
            assertThat(w.line()).isEqualTo(4);
            assertThat(w.message()).contains("may slow down scanning");
            assertThat(w.rule()).isEqualTo("slow_rule");
        });
    }

    @Test
    void oneBrokenFileDoesNotStopTheOthers() throws IOException {
        write("a.yar", "rule a_rule { strings: $a = \"aaa\" condition: $a }");
        write("b.yar", "rule b_rule { condition: undefined_thing }");
        write("sub/c.yara", "rule c_rule { condition: true }");
        write("notes.txt", "not a rule file");
        try (CompiledRules rules = compiler.compileFiles(List.of(dir))) {
            assertThat(rules.verdicts()).extracting(v -> dir.relativize(Path.of(v.file())).toString())
                    .containsExactly("a.yar", "b.yar", "sub/c.yara");
            assertThat(rules.refused()).singleElement().satisfies(v -> {
                assertThat(v.file()).endsWith("b.yar");
                assertThat(v.errors()).first().satisfies(e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.message()).contains("undefined identifier \"undefined_thing\"");
                    assertThat(e.rule()).isEqualTo("b_rule");
                });
            });
            assertThat(rules.ruleCount()).isEqualTo(2);
        }
    }

    @Test
    void warningsStayWithTheirFileWhenAllCompileTogether() throws IOException {
        write("clean.yar", "rule clean { strings: $a = \"abcdef\" condition: $a }");
        write("noisy.yar", "rule noisy {\n strings: $a = { 00 ?? }\n condition: $a }");
        try (CompiledRules rules = compiler.compileFiles(List.of(dir))) {
            assertThat(rules.refused()).isEmpty();
            assertThat(rules.verdicts()).filteredOn(v -> v.file().endsWith("clean.yar")).singleElement()
                    .satisfies(v -> assertThat(v.warnings()).isEmpty());
            assertThat(rules.verdicts()).filteredOn(v -> v.file().endsWith("noisy.yar")).singleElement()
                    .satisfies(v -> assertThat(v.warnings()).singleElement().satisfies(w -> assertThat(w.line()).isEqualTo(2)));
        }
    }

    @Test
    void sameRuleNameInTwoFilesDoesNotCollide() throws IOException {
        write("one.yar", "rule same { condition: true }");
        write("two.yar", "rule same { condition: true }");
        try (CompiledRules rules = compiler.compileFiles(List.of(dir))) {
            assertThat(rules.refused()).isEmpty();
            assertThat(rules.ruleCount()).isEqualTo(2);
        }
    }

    @Test
    void missingModuleIsReportedPerRule() throws IOException {
        Path android = write("android.yar", """
                import "androguard"

                rule uses_it {
                    condition: androguard.package_name("com.evil")
                }
                rule does_not { condition: true }
                rule uses_it_too {
                    // androguard. in a comment does not count
                    condition: androguard.permission(/SEND_SMS/)
                }
                """);
        FileVerdict verdict = compiler.check(android);
        assertThat(verdict.status()).isEqualTo(FileVerdict.Status.REFUSED);
        assertThat(verdict.missingModules()).singleElement().satisfies(m -> {
            assertThat(m.module()).isEqualTo("androguard");
            assertThat(m.line()).isEqualTo(1);
            assertThat(m.rules()).containsExactly("uses_it", "uses_it_too");
        });
    }

    @Test
    void largeRuleFilesAreReadOnASmallStack() throws Exception {
        StringBuilder big = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int r = 0; r < 300; r++) {
            big.append("// comment ").append(r).append("\nrule r").append(r).append(" {\n strings:\n");
            for (int k = 0; k < 20; k++) {
                big.append("  $s").append(k).append(" = \"").append(Long.toHexString(random.nextLong()).repeat(20))
                        .append("\\\" rule fake\"\n");
            }
            big.append(" condition: any of them\n}\n/* rule hidden { } */\n");
        }
        Path file = write("big.yar", big.toString());
        FileVerdict[] verdict = new FileVerdict[1];
        Thread small = new Thread(null, () -> verdict[0] = compiler.check(file), "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(verdict[0].status()).isEqualTo(FileVerdict.Status.COMPILED);
        assertThat(verdict[0].rules()).isEqualTo(300);
    }

    @Test
    void includesResolveRelativeToTheIncludingFile() throws IOException {
        write("lib/included.yar", "rule included_rule { condition: true }");
        Path index = write("index.yar", "include \"./lib/included.yar\"\nrule own { condition: true }");
        try (CompiledRules rules = compiler.compileFiles(List.of(index))) {
            assertThat(rules.refused()).isEmpty();
            assertThat(rules.ruleCount()).isEqualTo(2);
        }
    }

    @Test
    void externalVariablesAreDeclared() throws IOException {
        Path uses = write("ext.yar", """
                rule by_name { condition: filename == "x.exe" and extension == ".exe" and filetype == "EXE"
                    and owner == "root" and filepath contains "tmp" }
                """);
        assertThat(compiler.check(uses).status()).isEqualTo(FileVerdict.Status.COMPILED);
    }

    @Test
    void inlineSourcesCompileAndFailIndependently() {
        try (CompiledRules rules = compiler.compileSources(List.of(
                new RuleSource("good", "rule g { condition: true }"),
                new RuleSource("bad", "rule b {\n condition: nope\n}")))) {
            assertThat(rules.ruleCount()).isEqualTo(1);
            assertThat(rules.refused()).singleElement().satisfies(v -> {
                assertThat(v.file()).isEqualTo("bad");
                assertThat(v.errors().getFirst().line()).isEqualTo(2);
            });
        }
    }

    @Test
    void unreadableRuleFileIsRefusedWithReason() {
        FileVerdict verdict = compiler.check(dir.resolve("missing.yar"));
        assertThat(verdict.status()).isEqualTo(FileVerdict.Status.REFUSED);
        assertThat(verdict.reason()).contains("missing.yar").contains("cannot open");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
