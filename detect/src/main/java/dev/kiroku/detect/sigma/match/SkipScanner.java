package dev.kiroku.detect.sigma.match;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds which of a few (lower-case, ASCII) patterns occur in a text, case-folded as {@link Values#lower} folds, by
 * skipping (Wu-Manber with blocks of two chars): it looks at the last two chars of a window as long as the shortest
 * pattern and, unless they end the window-long piece chosen from some pattern, moves the window on by up to its whole
 * length at once. Over the long texts of Windows events (messages, call traces) and the two dozen keywords that apply
 * to all of them, it reads a fraction of the chars an automaton reads, straight from the {@code String} (no copy).
 *
 * <p>A short pattern with a run of chars that fold from no other char ("sb://") is found by that run with
 * {@link String#indexOf} instead, so that the window is as long as the shortest of the other patterns.
 *
 * <p>Each pattern is represented by the window-long piece of it whose last two chars look rarest in text
 * ("t::cl" of "event::clear" rather than "event", which ends a window in most Windows messages): only a window
 * ending with those two chars costs a comparison with the pattern.
 */
final class SkipScanner {
    /** Patterns that make a skip worth it: at least this long... */
    static final int MIN_SHORTEST = 3;
    /** ... and at most this many (the more patterns, the more windows end some prefix and the shorter the skips). */
    static final int MAX_PATTERNS = 64;
    /**
     * A pattern shorter than this with a run of two or more chars that fold from no other char ("://" of "sb://") is
     * found by {@link String#indexOf} of that run (a vector search) instead, so that it does not shorten the window
     * of the others: without "sb://" the Windows keywords' window is 9, not 5, and skipping reads 0.135 positions per
     * char instead of 0.235.
     */
    static final int ANCHORED_BELOW = 8;
    /** The ASCII chars that fold only from themselves (not letters): a run of them occurs in a text exactly as it is. */
    private static final boolean[] FOLD_FREE = foldFree();

    /** The length of the shortest pattern. */
    private final int shortest;
    /** The length of the shortest pattern that is not anchored: the window (0 if every pattern is anchored). */
    private final int window;
    /** The anchored patterns: the run each is found by, and where the run starts in it. */
    private final int[] anchored;
    private final String[] runs;
    private final int[] runAt;
    private final int classes;
    /** The class of each folded ASCII char occurring in some pattern; 0 for the others. */
    private final byte[] asciiClass = new byte[128];
    /** Per pair of classes (the window's last two chars), how far the window may move on; 0: check the patterns. */
    private final byte[] shift;
    /** Per pair with shift 0, the patterns whose window-long prefix ends with it. */
    private final int[][] candidates;
    private final char[][] patterns;
    /** Per pattern, where its window-long piece starts in it. */
    private final int[] pieceAt;

    private SkipScanner(List<String> patterns, int shortest) {
        this.shortest = shortest;
        this.patterns = new char[patterns.size()][];
        this.pieceAt = new int[patterns.size()];
        List<Integer> skipped = new ArrayList<>();
        List<Integer> anchoredList = new ArrayList<>();
        List<int[]> runList = new ArrayList<>();
        for (int p = 0; p < patterns.size(); p++) {
            this.patterns[p] = patterns.get(p).toCharArray();
            int[] run = this.patterns[p].length < ANCHORED_BELOW ? longestFoldFreeRun(this.patterns[p]) : null;
            if (run != null && run[1] >= 2) {
                anchoredList.add(p);
                runList.add(run);
            } else {
                skipped.add(p);
            }
        }
        anchored = anchoredList.stream().mapToInt(Integer::intValue).toArray();
        runs = new String[anchored.length];
        runAt = new int[anchored.length];
        for (int i = 0; i < anchored.length; i++) {
            int[] run = runList.get(i);
            runs[i] = new String(this.patterns[anchored[i]], run[0], run[1]);
            runAt[i] = run[0];
        }
        // Any window up to the shortest skipped pattern is exact (each is found through a window-long piece); a shift fits a byte.
        this.window = Math.min(Byte.MAX_VALUE, skipped.stream().mapToInt(p -> this.patterns[p].length).min().orElse(0));
        int next = 1;
        for (int p : skipped) {
            for (char c : this.patterns[p]) if (asciiClass[c] == 0) asciiClass[c] = (byte) next++;
        }
        for (char c = 'A'; c <= 'Z'; c++) asciiClass[c] = asciiClass[c + 32];
        classes = next;
        shift = new byte[classes * classes];
        // A window whose last char is in no pattern holds no pattern: move past it. Otherwise by default the next
        // window that could hold a prefix starts at the current window's last char.
        for (int a = 0; a < classes; a++) {
            for (int b = 0; b < classes; b++) shift[a * classes + b] = (byte) (b == 0 ? window : window - 1);
        }
        List<List<Integer>> ending = new ArrayList<>();
        for (int i = 0; i < shift.length; i++) ending.add(null);
        for (int p : skipped) {
            char[] chars = this.patterns[p];
            int at = pieceAt[p] = rarestPiece(chars, window);
            for (int j = 1; j < window; j++) {
                int pair = asciiClass[chars[at + j - 1]] * classes + asciiClass[chars[at + j]];
                shift[pair] = (byte) Math.min(shift[pair], window - 1 - j);
                if (j == window - 1) {
                    if (ending.get(pair) == null) ending.set(pair, new ArrayList<>());
                    ending.get(pair).add(p);
                }
            }
        }
        candidates = new int[shift.length][];
        for (int i = 0; i < shift.length; i++) {
            if (ending.get(i) != null) candidates[i] = ending.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** {start, length} of the pattern's longest run of {@link #FOLD_FREE} chars (the first of equals). */
    private static int[] longestFoldFreeRun(char[] pattern) {
        int[] best = {0, 0};
        for (int i = 0; i < pattern.length; ) {
            int j = i;
            while (j < pattern.length && FOLD_FREE[pattern[j]]) j++;
            if (j - i > best[1]) best = new int[] {i, j - i};
            i = j + 1;
        }
        return best;
    }

    private static boolean[] foldFree() {
        boolean[] free = new boolean[128];
        for (char c = 0; c < 128; c++) free[c] = Values.foldFree(c);
        return free;
    }

    /** Where the window-long piece of the pattern that ends with the rarest-looking two chars starts (the first of equals). */
    private static int rarestPiece(char[] pattern, int window) {
        int best = 0;
        int bestScore = -1;
        for (int at = 0; at + window <= pattern.length; at++) {
            int score = rarity(pattern[at + window - 2]) + rarity(pattern[at + window - 1]);
            if (score > bestScore) {
                best = at;
                bestScore = score;
            }
        }
        return best;
    }

    /** How rare a char looks in log text: punctuation other than path and word separators, then uncommon letters. */
    private static int rarity(char c) {
        if (c >= 'a' && c <= 'z') return "bfgjkmqvwxyz".indexOf(c) >= 0 ? 1 : 0;
        if ((c >= '0' && c <= '9') || " .\\-_".indexOf(c) >= 0) return 0;
        return 3;
    }

    /**
     * A scanner for these patterns, or null if skipping would not pay (fewer than {@link #MIN_SHORTEST} chars in the
     * shortest, more than {@link #MAX_PATTERNS}) or they are not all ASCII and lower-case.
     */
    static SkipScanner of(List<String> patterns) {
        if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) return null;
        int shortest = Integer.MAX_VALUE;
        for (String p : patterns) {
            shortest = Math.min(shortest, p.length());
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c >= 128 || (c >= 'A' && c <= 'Z')) return null;
            }
        }
        return shortest < MIN_SHORTEST || shortest > Byte.MAX_VALUE ? null : new SkipScanner(patterns, shortest);
    }

    /** The length of the shortest pattern: a text shorter holds none. */
    int window() {
        return shortest;
    }

    /** Reports every pattern occurring in {@code text} (possibly more than once). */
    void scan(String text, AhoCorasick.Hits hits) {
        for (int i = 0; i < anchored.length; i++) {
            String run = runs[i];
            char[] pattern = patterns[anchored[i]];
            for (int at = text.indexOf(run); at >= 0; at = text.indexOf(run, at + 1)) {
                if (occursAt(text, at - runAt[i], pattern)) hits.hit(anchored[i]);
            }
        }
        if (window > 0) skip(text, hits);
    }

    private void skip(String text, AhoCorasick.Hits hits) {
        final int n = text.length();
        final int window = this.window;
        final int classes = this.classes;
        int end = window - 1;
        while (end < n) {
            int b = classOf(text.charAt(end));
            if (b == 0) {
                end += window;
                continue;
            }
            int pair = classOf(text.charAt(end - 1)) * classes + b;
            int s = shift[pair];
            if (s > 0) {
                end += s;
                continue;
            }
            int pieceStart = end - window + 1;
            for (int p : candidates[pair]) if (occursAt(text, pieceStart - pieceAt[p], patterns[p])) hits.hit(p);
            end++;
        }
    }

    private int classOf(char c) {
        if (c < 128) return asciiClass[c];
        char lower = Character.toLowerCase(c); // a few non-ASCII letters fold to ASCII (Kelvin sign, dotted capital I)
        return lower < 128 ? asciiClass[lower] : 0;
    }

    private static boolean occursAt(String text, int start, char[] pattern) {
        if (start < 0 || start + pattern.length > text.length()) return false;
        for (int k = 0; k < pattern.length; k++) {
            char c = text.charAt(start + k);
            char folded = c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
            if (folded != pattern[k]) return false;
        }
        return true;
    }
}
