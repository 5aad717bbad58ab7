package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;
import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.api.StringMatch;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;
import dev.kiroku.yara.ffm.YaraUnavailableException;
import dev.kiroku.yara.scan.YaraScanner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * YARA over the sample (libyara through the {@code yara} module): Kiroku's own rule set, shipped in
 * {@value #BUILT_IN}, plus the configured rule files and directories. Each matching rule is a
 * reason {@code static.yara.<rule>} whose evidence names the file, the rule set and the matched
 * strings with their offsets. The weight is the rule's {@code weight} meta (Kiroku's rules), else
 * half its {@code score} meta (the 0–100 scale several public rule sets use), else
 * {@value #DEFAULT_WEIGHT}; together the YARA reasons of one file add at most {@value #MAX_TOTAL}.
 * Rule files libyara refuses are skipped and listed in {@link #problems()}; the others still run.
 */
public final class YaraCheck implements StaticCheck, AutoCloseable {
    /** Kiroku's own rule set on the class path. */
    public static final String BUILT_IN = "/yara/kiroku-sandbox.yar";
    static final int DEFAULT_WEIGHT = 20;
    static final int MAX_TOTAL = 70;
    private static final int STRINGS_SHOWN = 3;

    private final List<CompiledRules> ruleSets;
    private final List<YaraScanner> scanners;
    private final List<String> problems;
    private final int ruleCount;

    private YaraCheck(List<CompiledRules> ruleSets, List<String> problems) {
        this.ruleSets = ruleSets;
        this.scanners = ruleSets.stream().map(r -> new YaraScanner(r, ScanOptions.defaults().withTimeout(30))).toList();
        this.problems = List.copyOf(problems);
        this.ruleCount = ruleSets.stream().mapToInt(CompiledRules::ruleCount).sum();
    }

    /**
     * Kiroku's rules plus the {@code .yar}/{@code .yara} files under {@code configured} (files or
     * directories; missing ones are a problem, not an error).
     *
     * @throws dev.kiroku.yara.ffm.YaraUnavailableException when libyara cannot be loaded
     */
    public static YaraCheck load(List<Path> configured) {
        RuleSetCompiler compiler = new RuleSetCompiler();
        List<CompiledRules> sets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        sets.add(compiler.compileSources(List.of(new RuleSource("kiroku-sandbox", builtInText()))));
        List<Path> present = new ArrayList<>();
        for (Path p : configured) {
            if (p.toFile().exists()) present.add(p);
            else problems.add(p + ": no such rule file or directory");
        }
        if (!present.isEmpty()) {
            try {
                CompiledRules rules = compiler.compileFiles(present);
                sets.add(rules);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        for (CompiledRules set : sets)
            for (FileVerdict refused : set.refused()) problems.add(refused.file() + ": refused by libyara: " + refused.reason());
        return new YaraCheck(sets, problems);
    }

    /**
     * {@link #load} for the product's set-ups: each skipped rule file, or libyara missing (then
     * empty: the analyser runs without YARA), is passed to {@code warn}.
     */
    public static Optional<YaraCheck> tryLoad(List<Path> configured, Consumer<String> warn) {
        try {
            YaraCheck check = load(configured);
            check.problems().forEach(p -> warn.accept("YARA rules skipped: " + p));
            return Optional.of(check);
        } catch (YaraUnavailableException | LinkageError e) {
            warn.accept("YARA is not available (" + e.getMessage() + "): static analysis runs without it");
            return Optional.empty();
        }
    }

    /** The text of Kiroku's own rule set. */
    public static String builtInText() {
        try (InputStream in = YaraCheck.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) throw new IllegalStateException("the built-in YARA rules " + BUILT_IN + " are missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rules compiled, over all rule sets. */
    public int ruleCount() {
        return ruleCount;
    }

    /** Rule files that were skipped, each with why ("x.yar: refused by libyara: line 3: syntax error"). */
    public List<String> problems() {
        return problems;
    }

    @Override
    public synchronized List<Reason> check(StaticSubject subject) {
        List<Reason> reasons = new ArrayList<>();
        int total = 0;
        for (YaraScanner scanner : scanners) {
            for (YaraMatch match : scanner.scanBytes(subject.bytes())) {
                int weight = Math.min(weight(match), MAX_TOTAL - total);
                total += weight;
                reasons.add(new Reason("static.yara." + match.rule(), weight, summary(match), evidence(subject, match)));
            }
        }
        return reasons;
    }

    static int weight(YaraMatch match) {
        if (match.meta().get("weight") instanceof Long w) return (int) Math.clamp(w, 0, 100);
        if (match.meta().get("score") instanceof Long s) return (int) Math.clamp(s / 2, 0, 50);
        return DEFAULT_WEIGHT;
    }

    private static String summary(YaraMatch match) {
        Object description = match.meta().get("description");
        return "YARA rule " + match.rule() + " matched" + (description == null ? "" : ": " + description);
    }

    private static String evidence(StaticSubject subject, YaraMatch match) {
        String strings = match.strings().stream().limit(STRINGS_SHOWN)
                .map(s -> s.identifier() + " at offset " + s.offset() + " \"" + printable(s) + "\"").collect(Collectors.joining(", "));
        return subject.name() + " (rule set " + match.namespace() + ")" + (strings.isEmpty() ? "" : ": " + strings)
                + (match.strings().size() > STRINGS_SHOWN ? " and " + (match.strings().size() - STRINGS_SHOWN) + " more" : "");
    }

    private static String printable(StringMatch s) {
        String p = s.preview().replaceAll("[^\\x20-\\x7e]", ".");
        return p.length() > 60 ? p.substring(0, 60) + "…" : p;
    }

    @Override
    public synchronized void close() {
        scanners.forEach(YaraScanner::close);
        ruleSets.forEach(CompiledRules::close);
    }
}
