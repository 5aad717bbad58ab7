package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.ScanSkip;
import dev.kiroku.yara.api.YaraMatch;
import dev.kiroku.yara.api.YaraScanResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gathers what a scan produces: matches (also handed to a listener as they are found, e.g. to print or alert at
 * once), skipped targets with reasons, and counters. Not thread-safe: one collector per scanning thread.
 */
public final class ScanCollector {
    private final Consumer<YaraMatch> onMatch;
    private final List<YaraMatch> matches = new ArrayList<>();
    private final List<ScanSkip> skipped = new ArrayList<>();
    private final long startedAt = System.nanoTime();
    private long files;
    private long processes;
    private long bytes;

    public ScanCollector() {
        this(m -> { });
    }

    public ScanCollector(Consumer<YaraMatch> onMatch) {
        this.onMatch = onMatch;
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
