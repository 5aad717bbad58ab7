package dev.kiroku.yara.tool;

import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.api.YaraScanResult;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import dev.kiroku.yara.scan.ScanCollector;
import dev.kiroku.yara.scan.YaraScanner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles rule files and scans files, directories and processes from the command line
 * ({@code kiroku yara scan}): matches as they are found, then what was skipped and a summary; or the whole
 * {@link YaraScanResult} as JSON.
 */
public final class YaraScanTool {
    private YaraScanTool() {
    }

    /** @return 0 when nothing matched, 1 when something matched, 2 when no rule compiled */
    public static int run(List<Path> rulePaths, List<Path> targets, List<Long> pids, ScanOptions options, boolean json,
                          PrintStream out, PrintStream err) throws InterruptedException {
        try (CompiledRules rules = new RuleSetCompiler().compileFiles(rulePaths)) {
            for (FileVerdict refused : rules.refused()) {
                err.println("rules refused: " + refused.reason());
            }
            if (rules.ruleCount() == 0) {
                err.println("no rule compiled");
                return 2;
            }
            Consumer<YaraMatch> print = json ? m -> { } : m -> printMatch(m, out);
            ScanCollector collected = new ScanCollector(print);
            try (YaraScanner scanner = new YaraScanner(rules, options)) {
                for (Path target : targets) {
                    scanner.scanPath(target, collected);
                }
                for (long pid : pids) {
                    scanner.scanProcess(pid, collected);
                }
            }
            YaraScanResult result = collected.toResult(null, rules.refused());
            if (json) {
                out.println(YaraJson.write(result));
            } else {
                result.skipped().forEach(s -> out.println("skipped " + s.target() + ": " + s.reason()));
                out.printf("%d rules, %d files and %d processes scanned (%.1f MB) in %.1f s, %d matches, %d skipped%n",
                        rules.ruleCount(), result.filesScanned(), result.processesScanned(), result.bytesScanned() / 1e6,
                        result.durationMillis() / 1e3, result.matches().size(), result.skipped().size());
            }
            return result.matches().isEmpty() ? 0 : 1;
        }
    }

    private static void printMatch(YaraMatch m, PrintStream out) {
        out.println(m.rule() + (m.tags().isEmpty() ? "" : " [" + String.join(",", m.tags()) + "]") + " "
                + (m.file() != null ? m.file() : "pid " + m.pid()) + "  (" + m.namespace() + ")");
        m.strings().forEach(s -> out.printf("  0x%x:%s: %s%n", s.address(), s.identifier(), s.preview()));
    }
}
