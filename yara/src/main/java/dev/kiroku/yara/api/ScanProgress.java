package dev.kiroku.yara.api;

/**
 * How far a running scan has got: targets (files and processes) finished out of those planned, and what was scanned
 * and found so far. An agent reports it to the server while a sweep runs. Serialises to JSON with Jackson as is.
 */
public record ScanProgress(long targetsDone, long targetsPlanned, long filesScanned, long processesScanned,
                           long bytesScanned, int matches) {

    /** 0–100; 100 only when every planned target is done (a tree that grew meanwhile stays below). */
    public int percent() {
        if (targetsPlanned <= 0) return 0;
        return (int) Math.min(100, targetsDone * 100 / targetsPlanned);
    }
}
