package dev.kiroku.yara.api;

import java.util.List;

/**
 * How a scan walks and how much of the machine it may use.
 *
 * @param include          globs a file must match to be scanned (empty: all); a glob without {@code /} is matched
 *                         against the file name, otherwise against the path relative to the scanned directory
 * @param exclude          globs for files and directories to leave out (same matching)
 * @param maxFileSize      files larger than this many bytes are skipped (0: no limit)
 * @param timeoutSeconds   per file or process; libyara aborts the scan after it (0: no limit)
 * @param bytesPerSecond   I/O budget (0: no limit)
 * @param dutyCycle        CPU budget: the fraction of wall time spent scanning, in (0, 1]
 * @param maxRegionChunk   process memory is read in blocks of at most this many bytes
 */
public record ScanOptions(List<String> include, List<String> exclude, long maxFileSize, int timeoutSeconds,
                          long bytesPerSecond, double dutyCycle, long maxRegionChunk) {
    public static final long DEFAULT_MAX_FILE_SIZE = 256L << 20;
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    public static final long DEFAULT_REGION_CHUNK = 64L << 20;

    public ScanOptions {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        if (maxFileSize < 0 || timeoutSeconds < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("scan limits must not be negative");
        }
        if (dutyCycle == 0) {
            dutyCycle = 1.0;
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        }
        if (maxRegionChunk <= 0) {
            maxRegionChunk = DEFAULT_REGION_CHUNK;
        }
    }

    /** No filters, 256 MiB size limit, 60 s per target, no budget. */
    public static ScanOptions defaults() {
        return new ScanOptions(List.of(), List.of(), DEFAULT_MAX_FILE_SIZE, DEFAULT_TIMEOUT_SECONDS, 0, 1.0, DEFAULT_REGION_CHUNK);
    }

    public ScanOptions withBudget(long bytesPerSecond, double dutyCycle) {
        return new ScanOptions(include, exclude, maxFileSize, timeoutSeconds, bytesPerSecond, dutyCycle, maxRegionChunk);
    }

    public ScanOptions withFilters(List<String> include, List<String> exclude, long maxFileSize) {
        return new ScanOptions(include, exclude, maxFileSize, timeoutSeconds, bytesPerSecond, dutyCycle, maxRegionChunk);
    }

    public ScanOptions withTimeout(int seconds) {
        return new ScanOptions(include, exclude, maxFileSize, seconds, bytesPerSecond, dutyCycle, maxRegionChunk);
    }
}
