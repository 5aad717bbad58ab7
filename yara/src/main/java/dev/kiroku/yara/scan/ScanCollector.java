package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.ScanProgress;
import dev.kiroku.yara.api.ScanSkip;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.api.YaraScanResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gathers what a scan produces: matches (also handed to a listener as they are found, e.g. to print or alert at
 * once), skipped targets with reasons, and counters; optionally reports {@link ScanProgress} to a listener at most
 * once per interval. Not thread-safe: one collector per scanning thread.
 */
public final class ScanCollector {
    private final Consumer<YaraMatch> onMatch;
    private final List<YaraMatch> matches = new ArrayList<>();
    private final List<ScanSkip> skipped = new ArrayList<>();
    private final long startedAt = System.nanoTime();
    private long files;
    private long processes;
    private long bytes;
    private long targetsPlanned;
    private long targetsDone;
    private Consumer<ScanProgress> onProgress = p -> { };
    private long progressIntervalNanos = Long.MAX_VALUE;
    private long lastProgressAt = System.nanoTime();

    public ScanCollector() {
        this(m -> { });
    }

    public ScanCollector(Consumer<YaraMatch> onMatch) {
        this.onMatch = onMatch;
    }

    /** Hands {@link #progress()} to {@code listener} after a target finishes, at most once per {@code interval}. */
    public ScanCollector reportProgress(Duration interval, Consumer<ScanProgress> listener) {
        this.onProgress = listener;
        this.progressIntervalNanos = interval.toNanos();
        return this;
    }

    void planned(long targets) {
        targetsPlanned += targets;
    }

    void targetDone() {
        targetsDone++;
        long now = System.nanoTime();
        if (now - lastProgressAt >= progressIntervalNanos) {
            lastProgressAt = now;
            onProgress.accept(progress());
        }
    }

    public ScanProgress progress() {
        return new ScanProgress(targetsDone, targetsPlanned, files, processes, bytes, matches.size());
    }

    void match(YaraMatch match) {
        matches.add(match);
        onMatch.accept(match);
    }

    void skip(String target, String reason) {
        skipped.add(new ScanSkip(target, reason));
    }

    List<ScanSkip> skipSink() {
        return skipped;
    }

    void scannedFile(long size) {
        files++;
        bytes += size;
    }

    void scannedProcess(long size) {
        processes++;
        bytes += size;
    }

    public List<YaraMatch> matches() {
        return List.copyOf(matches);
    }

    public List<ScanSkip> skipped() {
        return List.copyOf(skipped);
    }

    public long filesScanned() {
        return files;
    }

    public long bytesScanned() {
        return bytes;
    }

    public YaraScanResult toResult(String requestId, List<FileVerdict> refusedRules) {
        return new YaraScanResult(requestId, matches, skipped, refusedRules, files, processes, bytes,
                (System.nanoTime() - startedAt) / 1_000_000);
    }
}
