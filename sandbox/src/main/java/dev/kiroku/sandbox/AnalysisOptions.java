package dev.kiroku.sandbox;

import java.time.Duration;

/**
 * Per-submission choices.
 *
 * @param detonate     run the sample in the sandbox (else static analysis only)
 * @param timeLimit    how long the sample may run before the whole sandbox is killed
 */
public record AnalysisOptions(boolean detonate, Duration timeLimit) {
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(true, Duration.ofSeconds(8));
    }

    public static AnalysisOptions staticOnly() {
        return new AnalysisOptions(false, Duration.ofSeconds(8));
    }

    public AnalysisOptions withTimeLimit(Duration limit) {
        return new AnalysisOptions(detonate, limit);
    }
}
