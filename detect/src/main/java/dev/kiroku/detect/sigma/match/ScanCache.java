package dev.kiroku.detect.sigma.match;

/**
 * Remembers which patterns an automaton found in recently scanned texts, so that a value seen again (a host name, an
 * executable path, a channel name: most values of an event stream repeat) costs a hash and a comparison instead of
 * a scan. Direct-mapped by the text's hash: a slot holds the last text that fell into it. One per thread and
 * automaton; texts shorter than {@link #MIN_LENGTH} are scanned as they are cheaper to scan than to look up.
 */
final class ScanCache {
    static final int MIN_LENGTH = 16;
    private static final int SLOTS = 4096;
    private static final int[] NONE = new int[0];

    private final String[] texts = new String[SLOTS];
    private final int[][] found = new int[SLOTS][];
    /** Patterns found by the scan in progress. */
    private int[] recording = new int[16];
    private int recorded;

    /** The patterns found in {@code text} when it was last scanned, or null if it is not remembered. */
    int[] lookup(String text) {
        int slot = text.hashCode() & (SLOTS - 1);
        String known = texts[slot];
        return known != null && (known == text || known.equals(text)) ? found[slot] : null;
    }

    /** Starts recording the patterns of a scan of a text to remember. */
    void start() {
        recorded = 0;
    }

    void record(int pattern) {
        if (recorded == recording.length) recording = java.util.Arrays.copyOf(recording, recorded * 2);
        recording[recorded++] = pattern;
    }

    /** Remembers the patterns recorded since {@link #start} as those of {@code text}. */
    void remember(String text) {
        int slot = text.hashCode() & (SLOTS - 1);
        texts[slot] = text;
        found[slot] = recorded == 0 ? NONE : distinct(recording, recorded);
    }

    /** The first {@code n} patterns, each once (an automaton reports a pattern at each of its occurrences). */
    private static int[] distinct(int[] patterns, int n) {
        int[] sorted = java.util.Arrays.copyOf(patterns, n);
        java.util.Arrays.sort(sorted);
        int k = 0;
        for (int i = 0; i < n; i++) if (i == 0 || sorted[i] != sorted[i - 1]) sorted[k++] = sorted[i];
        return k == n ? sorted : java.util.Arrays.copyOf(sorted, k);
    }
}
