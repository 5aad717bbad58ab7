package dev.kiroku.yara.api;

import java.util.List;

/**
 * What a scan found: the matches (each one alert data, see {@link YaraMatch#toEcs()}), what was skipped and why,
 * rule sources that were refused, and how much was scanned. Serialises to JSON with Jackson as is.
 */
public record YaraScanResult(String requestId, List<YaraMatch> matches, List<ScanSkip> skipped,
                             List<FileVerdict> refusedRules, long filesScanned, long processesScanned,
                             long bytesScanned, long durationMillis) {
    public YaraScanResult {
        matches = List.copyOf(matches);
        skipped = List.copyOf(skipped);
        refusedRules = List.copyOf(refusedRules);
    }
}
