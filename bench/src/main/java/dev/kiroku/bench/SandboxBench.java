package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Sample;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticCheck;
import dev.kiroku.sandbox.statics.YaraCheck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kiroku bench sandbox}: analyses the fixed sample set (sandbox/src/test/resources/samples,
 * expected verdicts in expected-verdicts.tsv) with the built-in analyser, detonating each, and
 * reports how many verdicts match and how many analyses fit in a minute; static-only analyses of
 * the same set are the baseline in the same run.
 */
public final class SandboxBench {
    private SandboxBench() {
    }

    record Expected(String name, String verdict, String what) {
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path workDir, Path samples) throws IOException, InterruptedException {
        List<Expected> expected = expected(samples);
        Optional<YaraCheck> yara = YaraCheck.tryLoad(List.of(), problem -> System.err.println("bench sandbox: " + problem));
        try {
            return run(quick, json, out, samples, expected, BuiltInAnalyzer.standard(workDir, KnownBadHashes.empty(),
                    yara.<List<StaticCheck>>map(List::of).orElse(List.of())));
        } finally {
            yara.ifPresent(YaraCheck::close);
        }
    }

    private static int run(boolean quick, boolean json, PrintStream out, Path samples, List<Expected> expected, BuiltInAnalyzer analyzer)
            throws IOException, InterruptedException {
        Duration limit = Duration.ofSeconds(quick ? 3 : 8);

        int staticRounds = quick ? 20 : 100;
        long staticStart = System.nanoTime();
        for (int round = 0; round < staticRounds; round++) {
            for (Expected e : expected) analyzer.analyze(Sample.of(samples.resolve(e.name())), AnalysisOptions.staticOnly());
        }
        double staticSeconds = (System.nanoTime() - staticStart) / 1e9;
        double staticPerMinute = staticRounds * expected.size() * 60 / staticSeconds;

        List<Map<String, Object>> rows = new ArrayList<>();
        int correct = 0;
        long start = System.nanoTime();
        for (Expected e : expected) {
            long t0 = System.nanoTime();
            Report report = analyzer.analyze(Sample.of(samples.resolve(e.name())), AnalysisOptions.defaults().withTimeLimit(limit));
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean ok = report.verdict().label().equals(e.verdict());
            if (ok) correct++;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.name());
            row.put("what", e.what());
            row.put("expected", e.verdict());
            row.put("verdict", report.verdict().label());
            row.put("score", report.score());
            row.put("correct", ok);
            row.put("seconds", round(seconds));
            row.put("detonation", report.detonation() == null ? "none" : report.detonation().status());
            row.put("recording", report.detonation() == null ? "" : report.detonation().recording());
            row.put("reasons", report.reasons().stream().filter(r -> r.weight() > 0).map(r -> r.code() + "+" + r.weight()).toList());
            rows.add(row);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double perMinute = expected.size() * 60 / seconds;

        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bench", "sandbox");
            result.put("quick", quick);
            result.put("time_limit_seconds", limit.toSeconds());
            result.put("samples", rows);
            result.put("correct_verdicts", correct);
            result.put("total_samples", expected.size());
            result.put("analyses_per_min", round(perMinute));
            result.put("static_analyses_per_min", round(staticPerMinute));
            result.put("detonation_cost_ratio", round(staticPerMinute / perMinute));
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            for (Map<String, Object> row : rows)
                out.printf(Locale.ROOT, "%-20s expected %-6s got %-6s score %3s %s  %.1f s  %s%n", row.get("name"), row.get("expected"),
                        row.get("verdict"), row.get("score"), (boolean) row.get("correct") ? "ok   " : "WRONG", (double) row.get("seconds"), row.get("reasons"));
            out.printf(Locale.ROOT, "correct verdicts: %d of %d%n", correct, expected.size());
            out.printf(Locale.ROOT, "analyses per minute with detonation (time limit %d s): %.1f%n", limit.toSeconds(), perMinute);
            out.printf(Locale.ROOT, "baseline, static analysis only: %.0f per minute (detonation costs %.0fx)%n", staticPerMinute, staticPerMinute / perMinute);
        }
        return correct == expected.size() ? 0 : 1;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static List<Expected> expected(Path samples) throws IOException {
        Path file = samples.resolve("expected-verdicts.tsv");
        if (!Files.exists(file)) throw new IOException("no expected-verdicts.tsv in " + samples + " (give the sample directory with --samples)");
        List<Expected> out = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.split("\t");
            if (parts.length < 2 || !Files.isRegularFile(samples.resolve(parts[0])))
                throw new IOException(file + " line " + number + ": want 'sample<TAB>verdict<TAB>what' naming a file of " + samples);
            out.add(new Expected(parts[0], parts[1], parts.length > 2 ? parts[2] : ""));
        }
        return out;
    }
}
