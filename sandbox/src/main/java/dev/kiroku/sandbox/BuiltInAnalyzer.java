package dev.kiroku.sandbox;

import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.Detonator;
import dev.kiroku.sandbox.detonate.Leftovers;
import dev.kiroku.sandbox.detonate.LiveEvents;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticCheck;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import dev.kiroku.sandbox.statics.StaticReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Kiroku's own analyser: static analysis, then (unless switched off or the file cannot run) a
 * detonation in the namespace sandbox recorded by Kiroku's sensor; the reasons of both are scored
 * together. Files above the size limit get a report saying so and nothing else.
 */
public final class BuiltInAnalyzer implements Analyzer {
    private final StaticAnalyzer statics;
    private final Detonator detonator;
    private final long maxFileBytes;
    private final InstantSource clock;

    /** @param detonator null for a static-only analyser */
    public BuiltInAnalyzer(StaticAnalyzer statics, Detonator detonator, long maxFileBytes, InstantSource clock) {
        this.statics = statics;
        this.detonator = detonator;
        this.maxFileBytes = maxFileBytes;
        this.clock = clock;
    }

    /** Files above this are reported as too large and not analysed. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

    /**
     * The standard set-up: built-in static checks plus {@code extraChecks} (a YARA check, for
     * example), and the namespace sandbox working under {@code workDirectory} with the built-in
     * rule pack.
     */
    public static BuiltInAnalyzer standard(Path workDirectory, KnownBadHashes knownBad, List<StaticCheck> extraChecks) {
        return standard(workDirectory, knownBad, extraChecks, null);
    }

    /**
     * {@link #standard(Path, KnownBadHashes, List)} recording from the running agent's events once
     * {@code live} is attached. First removes what detonations of a JVM that died left behind
     * ({@link Leftovers}), and says so on standard error.
     */
    public static BuiltInAnalyzer standard(Path workDirectory, KnownBadHashes knownBad, List<StaticCheck> extraChecks, LiveEvents live) {
        return standard(workDirectory, knownBad, extraChecks, live, BehaviourRules.builtIn());
    }

    /** {@link #standard(Path, KnownBadHashes, List, LiveEvents)} judging detonations with {@code rules}. */
    public static BuiltInAnalyzer standard(Path workDirectory, KnownBadHashes knownBad, List<StaticCheck> extraChecks, LiveEvents live,
                                           BehaviourRules rules) {
        for (String line : Leftovers.sweep(workDirectory.resolve("runs"))) System.err.println("kiroku sandbox: crash clean-up: " + line);
        List<StaticCheck> checks = new ArrayList<>(StaticAnalyzer.builtInChecks(knownBad));
        checks.addAll(extraChecks);
        return new BuiltInAnalyzer(new StaticAnalyzer(checks, ArchiveLimits.defaults()),
                new Detonator(workDirectory.resolve("runs"), Detonator.Settings.defaults(), rules, live),
                DEFAULT_MAX_FILE_BYTES, InstantSource.system());
    }

    @Override
    public String name() {
        return "kiroku-builtin";
    }

    @Override
    public Report analyze(Sample sample, AnalysisOptions options) throws InterruptedException {
        if (sample.size() > maxFileBytes) {
            return Report.scored(sample, name(), clock.instant(), List.of(Reason.note("input.too_large",
                    "file too large: " + sample.size() + " bytes, the limit is " + maxFileBytes + "; not analysed", sample.name())), null, null);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(sample.file())) {
            bytes = in.readNBytes((int) maxFileBytes);
        } catch (IOException e) {
            return Report.scored(sample, name(), clock.instant(), List.of(Reason.note("input.unreadable",
                    "file could not be read: " + e.getMessage(), sample.name())), null, null);
        }
        StaticReport staticReport = statics.analyze(sample.name(), bytes);
        List<Reason> reasons = new ArrayList<>(staticReport.reasons());
        Detonator.Detonation detonation = null;
        if (!options.detonate()) {
            reasons.add(Reason.note("dynamic.not_requested", "not detonated (static analysis only was asked for)", sample.name()));
        } else if (detonator == null) {
            reasons.add(Reason.note("dynamic.unavailable", "this analyser has no sandbox: static analysis only", sample.name()));
        } else {
            detonation = detonator.detonate(sample, staticReport, options.timeLimit());
            reasons.addAll(detonation.reasons());
        }
        return Report.scored(sample, name(), clock.instant(), reasons, staticReport, detonation == null ? null : detonation.report());
    }
}
