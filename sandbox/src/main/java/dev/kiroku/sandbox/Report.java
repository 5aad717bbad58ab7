package dev.kiroku.sandbox;

import dev.kiroku.sandbox.detonate.DetonationReport;
import dev.kiroku.sandbox.statics.StaticReport;

import java.time.Instant;
import java.util.List;

/**
 * The answer to "how dangerous is this file?".
 *
 * @param sha256     the sample's SHA-256 (its identity: one report per hash)
 * @param name       the name it was submitted under
 * @param size       bytes
 * @param analyzer   which {@link Analyzer} produced it
 * @param finished   when the analysis ended
 * @param verdict    from the score
 * @param score      0–100: the sum of the reasons' weights, capped
 * @param reasons    every finding, static and dynamic, heaviest first; notes (weight 0) last
 * @param statics    static analysis, or null when the file could not be read
 * @param detonation the sandbox run, or null when not detonated
 */
public record Report(String sha256, String name, long size, String analyzer, Instant finished, Verdict verdict, int score,
                     List<Reason> reasons, StaticReport statics, DetonationReport detonation) {
    public Report {
        reasons = List.copyOf(reasons);
    }

    /** Scores the reasons: weights add up to at most 100; the verdict follows from the score. */
    public static Report scored(Sample sample, String analyzer, Instant finished, List<Reason> reasons, StaticReport statics,
                                DetonationReport detonation) {
        int score = (int) Math.min(100, reasons.stream().mapToLong(Reason::weight).sum());
        List<Reason> ordered = reasons.stream()
                .sorted(java.util.Comparator.comparingInt(Reason::weight).reversed()).toList();
        return new Report(sample.sha256(), sample.name(), sample.size(), analyzer, finished, Verdict.ofScore(score), score,
                ordered, statics, detonation);
    }
}
