package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budget measured on real scans: wall time against bytes scanned and against busy time. */
class ScanBudgetTest {
    private static final int FILES = 6;
    private static final int FILE_BYTES = 2 << 20;

    @TempDir
    Path dir;

    @Test
    void bytesPerSecondLimitsATreeScan() throws Exception {
        writeFiles();
        long rate = 4L << 20; // 4 MiB/s over 12 MiB: at least (12 - 1 burst) / 4 = 2.75 s
        double seconds = scanSeconds(ScanBudget.of(rate, 1.0));
        double mibPerSecond = (FILES * (double) FILE_BYTES / (1 << 20)) / seconds;
        assertThat(seconds).isGreaterThan(2.6);
        assertThat(mibPerSecond).isLessThan(4.6);
    }

    @Test
    void dutyCycleRestsThreeTimesAsLongAsItWorksAtAQuarter() throws Exception {
        writeFiles();
        ScanBudget budget = ScanBudget.of(0, 0.25);
        double wall = scanSeconds(budget);
        double busy = budget.busyNanos() / 1e9;
        double rested = budget.restedNanos() / 1e9;
        assertThat(busy).isGreaterThan(0.05); // the rule does real work per byte
        assertThat(rested).isGreaterThan(busy * 3 * 0.95);
        assertThat(busy / wall).isLessThan(0.3);
    }

    @Test
    void badBudgetsAreRefused() {
        assertThatThrownBy(() -> ScanBudget.of(-1, 1)).hasMessageContaining("bytes per second");
        assertThatThrownBy(() -> ScanBudget.of(0, 1.5)).hasMessageContaining("duty cycle must be in (0, 1], got 1.5");
    }

    private void writeFiles() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < FILES; i++) {
            byte[] data = new byte[FILE_BYTES];
            random.nextBytes(data);
            Files.write(dir.resolve("f" + i + ".bin"), data);
        }
    }

    private double scanSeconds(ScanBudget budget) throws Exception {
        // A rule with real per-byte work, so the scan has a measurable busy time.
        String rule = "rule busy { condition: for all i in (0..filesize - 1) : (uint8(i) < 256) }";
        try (CompiledRules rules = new RuleSetCompiler().compileSources(List.of(new RuleSource("b", rule)));
             YaraScanner scanner = new YaraScanner(rules, ScanOptions.defaults(), budget)) {
            ScanCollector out = new ScanCollector();
            long started = System.nanoTime();
            scanner.scanPath(dir, out);
            assertThat(out.filesScanned()).isEqualTo(FILES);
            return (System.nanoTime() - started) / 1e9;
        }
    }
}
