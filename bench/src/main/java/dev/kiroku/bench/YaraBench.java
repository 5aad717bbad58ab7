package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.ExternalVariables;
import dev.kiroku.yara.compile.RuleSetCompiler;
import dev.kiroku.yara.scan.ScanCollector;
import dev.kiroku.yara.scan.YaraScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kiroku bench yara}: the same rules (signature-base's YARA rules that libyara accepts) over the same file
 * set (copies of system binaries and libraries), scanned single-threaded through Kiroku (FFM over libyara) and
 * through the {@code yara} command-line tool ({@code -p 1}, rules precompiled by {@code yarac}), in alternating
 * rounds in the same run. The fastest wall time and the least CPU time of each side count. The CLI's throughput is over its scan time: its start-up
 * (loading the compiled rules, measured on an empty directory) is subtracted from its wall and CPU time, as Kiroku's compile is not timed.
 * CPU-time throughputs are reported too: on a loaded machine they are the steadier comparison.
 */
public final class YaraBench {
    private static final String RULE_DIR = "yara/Neo23x0+signature-base/yara";
    private static final List<Path> FILE_SOURCES = List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/bin"),
            Path.of("/usr/lib/jvm"), Path.of("/usr/share"));
    private static final long MAX_FILE = 8L << 20;
    private static final int SCAN_TIMEOUT_SECONDS = 120;

    private YaraBench() {
    }

    /** One timed scan: wall and CPU seconds, and how many matches it reported. */
    record Run(double wallSeconds, double cpuSeconds, long matches) {
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) throws Exception {
        Path datasets = Path.of(System.getProperty("kiroku.datasets", "../shared/datasets"));
        Path ruleDir = datasets.resolve(RULE_DIR);
        if (!Files.isDirectory(ruleDir)) {
            out.println("bench yara: rule set not found at " + ruleDir.toAbsolutePath() + " (set -Dkiroku.datasets or KIROKU_DATASETS)");
            return 2;
        }
        long targetBytes = quick ? 16L << 20 : 128L << 20;
        int rounds = quick ? 3 : 5;

        long started = System.nanoTime();
        try (CompiledRules rules = new RuleSetCompiler().compileFiles(List.of(ruleDir))) {
            double kirokuCompile = (System.nanoTime() - started) / 1e9;
            List<Path> accepted = rules.verdicts().stream().filter(FileVerdict::compiled).map(v -> Path.of(v.file())).toList();
            Path compiled = work.resolve("rules.yarc");
            double yaracCompile = yarac(accepted, compiled);
            Path files = Files.createDirectories(work.resolve("files"));
            long bytes = copyFileSet(files, targetBytes);
            long fileCount;
            try (Stream<Path> s = Files.list(files)) {
                fileCount = s.count();
            }
            warm(files);
            Path empty = Files.createDirectories(work.resolve("empty"));

            // The machine may be shared: rounds alternate, and the fastest wall and CPU time of each side count.
            Run bestKiroku = null;
            Run bestCli = null;
            Run cliStartup = null;
            List<Run> kirokuRounds = new ArrayList<>();
            List<Run> cliRounds = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Run kiroku = scanKiroku(rules, files, bytes);
                cliStartup = best(cliStartup, scanCli(compiled, empty));
                Run cli = scanCli(compiled, files);
                bestKiroku = best(bestKiroku, kiroku);
                bestCli = best(bestCli, cli);
                kirokuRounds.add(kiroku);
                cliRounds.add(cli);
            }
            double mb = bytes / 1e6;
            double kirokuMbs = mb / bestKiroku.wallSeconds();
            // Like for like: the CLI's start-up (rules loaded, a scanner made) is left out of its wall and CPU time.
            double cliMbs = mb / Math.max(1e-3, bestCli.wallSeconds() - cliStartup.wallSeconds());
            double cliCpu = Math.max(1e-3, bestCli.cpuSeconds() - cliStartup.cpuSeconds());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("kiroku_mb_s", round2(kirokuMbs));
            result.put("yara_cli_mb_s", round2(cliMbs));
            result.put("ratio", round2(kirokuMbs / cliMbs));
            result.put("kiroku_cpu_mb_s", round2(mb / bestKiroku.cpuSeconds()));
            result.put("yara_cli_cpu_mb_s", round2(mb / cliCpu));
            result.put("cpu_ratio", round2(cliCpu / bestKiroku.cpuSeconds()));
            // Each round's two scans ran next to each other: their ratio is less moved by a load that changes over the run.
            result.put("ratio_paired_median", round2(pairedMedian(kirokuRounds, cliRounds, cliStartup, Run::wallSeconds)));
            result.put("cpu_ratio_paired_median", round2(pairedMedian(kirokuRounds, cliRounds, cliStartup, Run::cpuSeconds)));
            result.put("rules", rules.ruleCount());
            result.put("rule_files", accepted.size());
            result.put("rule_files_refused", rules.refused().size());
            result.put("bytes", bytes);
            result.put("files", fileCount);
            result.put("rounds", rounds);
            result.put("kiroku_matches", bestKiroku.matches());
            result.put("yara_cli_matches", bestCli.matches());
            result.put("yara_cli_startup_s", round2(cliStartup.wallSeconds()));
            result.put("yara_cli_startup_cpu_s", round2(cliStartup.cpuSeconds()));
            result.put("kiroku_compile_s", round2(kirokuCompile));
            result.put("yarac_compile_s", round2(yaracCompile));
            result.put("kiroku_anon_huge_kb", anonHugeKb()); // the rules on transparent huge pages (see HugePages)
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                out.printf("rules: %d from %d files of %s (%d refused)%n", rules.ruleCount(), accepted.size(), ruleDir, rules.refused().size());
                out.printf("files: %d, %.1f MB; best of %d rounds, single thread%n", fileCount, mb, rounds);
                out.printf("kiroku:   %.2f MB/s (%.2f MB per CPU second), %d matches%n", kirokuMbs, mb / bestKiroku.cpuSeconds(), bestKiroku.matches());
                out.printf("yara cli: %.2f MB/s (%.2f MB per CPU second), %d matches; start-up %.2f s (%.2f s CPU) subtracted%n",
                        cliMbs, mb / cliCpu, bestCli.matches(), cliStartup.wallSeconds(), cliStartup.cpuSeconds());
                out.printf("ratio:    %.2f (wall), %.2f (CPU); median of the rounds' paired ratios %.2f (wall), %.2f (CPU)%n",
                        kirokuMbs / cliMbs, cliCpu / bestKiroku.cpuSeconds(), result.get("ratio_paired_median"), result.get("cpu_ratio_paired_median"));
                out.printf("compile:  kiroku %.1f s (each file alone, then together), yarac %.1f s%n", kirokuCompile, yaracCompile);
            }
            return 0;
        }
    }

    /** The median over rounds of (CLI time − CLI start-up) / Kiroku time, by wall or CPU time. */
    static double pairedMedian(List<Run> kiroku, List<Run> cli, Run cliStartup, java.util.function.ToDoubleFunction<Run> time) {
        double[] ratios = new double[kiroku.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = Math.max(1e-3, time.applyAsDouble(cli.get(i)) - time.applyAsDouble(cliStartup)) / time.applyAsDouble(kiroku.get(i));
        }
        java.util.Arrays.sort(ratios);
        int n = ratios.length;
        return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
    }

    private static Run best(Run sofar, Run next) {
        return sofar == null ? next : new Run(Math.min(sofar.wallSeconds(), next.wallSeconds()),
                Math.min(sofar.cpuSeconds(), next.cpuSeconds()), next.matches());
    }

    /** Scans {@code files} on this thread; every one of their {@code bytes} must have been scanned. */
    private static Run scanKiroku(CompiledRules rules, Path files, long bytes) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ScanOptions options = ScanOptions.defaults().withTimeout(SCAN_TIMEOUT_SECONDS);
        ScanCollector out = new ScanCollector();
        Run run;
        // Made before the clock starts, as the CLI's scanner is made in its start-up, which is subtracted.
        try (YaraScanner scanner = new YaraScanner(rules, options)) {
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            scanner.scanPath(files, out);
            run = new Run((System.nanoTime() - wall) / 1e9, (threads.getCurrentThreadCpuTime() - cpu) / 1e9, out.matches().size());
        }
        if (out.bytesScanned() != bytes || !out.skipped().isEmpty()) {
            throw new IllegalStateException("Kiroku scanned " + out.bytesScanned() + " of " + bytes + " bytes; skipped: " + out.skipped());
        }
        return run;
    }

    /** Runs {@code yara -p 1} under bash so that {@code times} reports the child's CPU time. */
    private static Run scanCli(Path compiled, Path target) throws IOException, InterruptedException {
        String script = "yara -C -w -p 1 -r -a " + SCAN_TIMEOUT_SECONDS + " \"$1\" \"$2\" > \"$3\"; rc=$?; times >&2; exit $rc";
        Path output = Files.createTempFile(target.getParent(), "yara-cli-", ".out");
        long wall = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", script, "bench", compiled.toString(), target.toString(), output.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String times = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("yara command failed (exit " + p.exitValue() + "): " + times.strip());
        }
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        long matches;
        try (Stream<String> lines = Files.lines(output)) {
            matches = lines.filter(l -> !l.isBlank()).count();
        }
        Files.delete(output);
        return new Run(wallSeconds, childCpuSeconds(times), matches);
    }

    /** The second line of bash's {@code times}: children's user and system time, e.g. {@code 0m1.234s 0m0.056s}. */
    static double childCpuSeconds(String times) {
        List<String> lines = times.strip().lines().toList();
        String[] parts = lines.getLast().trim().split("\\s+");
        return seconds(parts[0]) + seconds(parts[1]);
    }

    private static double seconds(String bashTime) {
        int m = bashTime.indexOf('m');
        return Integer.parseInt(bashTime.substring(0, m)) * 60 + Double.parseDouble(bashTime.substring(m + 1, bashTime.length() - 1));
    }

    private static double yarac(List<Path> accepted, Path compiled) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("yarac", "-w"));
        for (String name : ExternalVariables.NAMES) {
            command.add("-d");
            command.add(name + "=");
        }
        accepted.forEach(f -> command.add(f + ":" + f)); // the same namespace per file as Kiroku uses
        command.add(compiled.toString());
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("yarac failed on the rules Kiroku accepted: " + output.strip());
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Copies regular files (sorted, so every run picks the same) from system directories until {@code target} bytes. */
    private static long copyFileSet(Path into, long target) throws IOException {
        long total = 0;
        int index = 0;
        for (Path source : FILE_SOURCES) {
            if (!Files.isDirectory(source)) {
                continue;
            }
            List<Path> candidates;
            try (Stream<Path> walk = Files.walk(source, 3)) {
                candidates = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> size(p) >= 4096 && size(p) <= MAX_FILE && Files.isReadable(p)).sorted().toList();
            }
            for (Path file : candidates) {
                if (total >= target) {
                    return total;
                }
                Path copy = into.resolve(String.format("%05d-%s", index++, file.getFileName()));
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                total += Files.size(copy);
            }
        }
        return total;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void warm(Path files) throws IOException {
        try (Stream<Path> s = Files.list(files)) {
            for (Path f : s.toList()) {
                Files.readAllBytes(f);
            }
        }
    }

    /** {@code AnonHugePages} of this process (kB), -1 when it cannot be read. */
    private static long anonHugeKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no smaps_rollup: reported as unknown
        }
        return -1;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
