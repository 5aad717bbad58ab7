package dev.kiroku.sandbox;

/**
 * Something that turns a sample into a report. The built-in {@link BuiltInAnalyzer} is the default;
 * an external sandbox (a CAPE- or Cuckoo-style REST service) is another implementation that uploads
 * the sample, polls for its result and maps it to a {@link Report} (docs/sandbox.md).
 * Implementations must be thread-safe and must not throw for bad samples: bad input is a report line.
 */
public interface Analyzer {
    /** A short name shown in reports ("kiroku-builtin"). */
    String name();

    Report analyze(Sample sample, AnalysisOptions options) throws InterruptedException;
}
