package dev.kiroku.detect.sigma.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aho-Corasick automaton over chars: finds every (lower-case) pattern occurring in a text in one pass, folding the
 * text's case char by char as {@link Values#lower} does, so texts need not be lower-cased first. States are numbered in
 * breadth-first order; the shallow ones (where scanning spends nearly all its time) get full DFA rows over the
 * patterns' character classes, deeper ones use goto edges in an open-addressing table plus failure links.
 */
final class AhoCorasick {
    /** Receives the id of each pattern found (possibly more than once). */
    interface Hits {
        void hit(int pattern);
    }

    private static final int MAX_DENSE_CELLS = 1 << 21;

    private final int[] asciiClass = new int[128];
    /** Non-ASCII characters occurring in some pattern (a bit per char): the rest reset the scan to the root. */
    private final long[] otherChars = new long[1024];
    private final int classes;
    private final int denseStates;
    /**
     * Rows of 16-bit entries (half the cache footprint of ints): the target state, with {@link #EMITS} set when it
     * reports patterns, or {@link #FAR} when the target's number does not fit (then found by goto edges).
     */
    private final char[] dense;
    private static final char EMITS = 0x8000;
    private static final char FAR = 0x7FFF;
    private final long[] keys;
    private final int[] targets;
    private final int mask;
    private final int[] fail;
    private final int[] dictLink;
    private final int[][] outputs;
    private final boolean[] emits;
    /** Per state, the length of the pattern prefix it stands for. */
    private final int[] depth;
    /** The length of the shortest pattern: a shorter text holds none and is not scanned. */
    private final int shortest;

    AhoCorasick(List<String> patterns) {
        this(patterns, MAX_DENSE_CELLS);
    }

    /** {@code maxDenseCells} bounds the dense rows (tests make it tiny to exercise the goto-edge paths). */
    AhoCorasick(List<String> patterns, int maxDenseCells) {
        shortest = patterns.stream().mapToInt(String::length).min().orElse(Integer.MAX_VALUE);
        // Trie in insertion order.
        List<Map<Character, Integer>> children = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        children.add(new HashMap<>());
        out.add(new ArrayList<>());
        int nextClass = 1;
        for (int p = 0; p < patterns.size(); p++) {
            int s = 0;
            for (char c : patterns.get(p).toCharArray()) {
                if (c < 128) {
                    if (asciiClass[c] == 0) asciiClass[c] = nextClass++;
                } else {
                    otherChars[c >>> 6] |= 1L << c;
                }
                Integer next = children.get(s).get(c);
                if (next == null) {
                    next = children.size();
                    children.get(s).put(c, next);
                    children.add(new HashMap<>());
                    out.add(new ArrayList<>());
                }
                s = next;
            }
            out.get(s).add(p);
        }
        classes = nextClass;
        for (char c = 'A'; c <= 'Z'; c++) asciiClass[c] = asciiClass[c + 32];
        int n = children.size();
        // Renumber breadth-first.
        int[] order = new int[n];
        int[] rank = new int[n];
        int head = 0;
        int tail = 0;
        order[tail++] = 0;
        while (head < tail) {
            int s = order[head++];
            for (int child : children.get(s).values()) order[tail++] = child;
        }
        for (int i = 0; i < n; i++) rank[order[i]] = i;
        depth = new int[n];
        for (int i = 0; i < n; i++) {
            for (int child : children.get(order[i]).values()) depth[rank[child]] = depth[i] + 1;
        }
        int cap = Integer.highestOneBit(Math.max(16, n * 2)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        targets = new int[cap];
        mask = cap - 1;
        outputs = new int[n][];
        for (int old = 0; old < n; old++) {
            for (Map.Entry<Character, Integer> e : children.get(old).entrySet()) put(rank[old], e.getKey(), rank[e.getValue()]);
            outputs[rank[old]] = out.get(old).stream().mapToInt(Integer::intValue).toArray();
        }
        fail = new int[n];
        dictLink = new int[n];
        Arrays.fill(dictLink, -1);
        // Failure links for all states, breadth-first (fail of depth-1 states is the root).
        for (int i = 0; i < n; i++) {
            int old = order[i];
            for (Map.Entry<Character, Integer> e : children.get(old).entrySet()) {
                int t = rank[e.getValue()];
                if (i == 0) {
                    fail[t] = 0;
                    continue;
                }
                char c = e.getKey();
                int f = fail[i];
                while (true) {
                    int g = edge(f, c);
                    if (g >= 0) {
                        fail[t] = g;
                        break;
                    }
                    if (f == 0) {
                        fail[t] = 0;
                        break;
                    }
                    f = fail[f];
                }
            }
        }
        for (int i = 1; i < n; i++) {
            int f = fail[i];
            dictLink[i] = outputs[f].length > 0 ? f : dictLink[f];
        }
        emits = new boolean[n];
        for (int i = 1; i < n; i++) emits[i] = outputs[i].length > 0 || dictLink[i] > 0;
        denseStates = Math.max(1, Math.min(n, maxDenseCells / Math.max(1, classes)));
        int[] rows = new int[denseStates * classes];
        Map<Integer, Character> charOfClass = new HashMap<>();
        for (char c = 0; c < 128; c++) if (asciiClass[c] != 0) charOfClass.put(asciiClass[c], c);
        for (int s = 0; s < denseStates; s++) {
            for (int k = 1; k < classes; k++) {
                char c = charOfClass.get(k);
                int g = edge(s, c);
                int via = s == 0 ? 0 : rows[fail[s] * classes + k];
                rows[s * classes + k] = g >= 0 ? g : via;
            }
        }
        // One load per char decides both the next state and whether to report.
        dense = new char[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int t = rows[i];
            dense[i] = t >= FAR ? FAR : (char) (emits[t] ? t | EMITS : t);
        }
    }

    /** The length of the shortest pattern: texts shorter than this need no scan. */
    int shortest() {
        return shortest;
    }

    /** The size of the dense transition table, which a scan reads from all over. */
    int tableBytes() {
        return dense.length * Character.BYTES;
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private void put(int state, char c, int target) {
        long key = ((long) state << 16) | c;
        int i = hash(key) & mask;
        while (keys[i] != -1L) i = (i + 1) & mask;
        keys[i] = key;
        targets[i] = target;
    }

    private int edge(int state, char c) {
        long key = ((long) state << 16) | c;
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return targets[i];
            if (k == -1L) return -1;
            i = (i + 1) & mask;
        }
    }

    /**
     * Reports every pattern occurring in {@code text[0..n)}. ASCII characters from states with a dense row cost one
     * table load; deeper states follow goto edges and failure links down to a dense state; non-ASCII characters
     * (never in a dense row) follow goto edges and failure links only.
     */
    void scan(char[] text, int n, Hits hits) {
        scanPrefix(text, n, Integer.MAX_VALUE, hits);
    }

    /**
     * Reports every pattern occurring in {@code text[0..n)} that starts before {@code keep}, and perhaps some of
     * those that start later. It stops as soon as the automaton's state (the longest suffix of the text read that is
     * a pattern prefix) starts at or after {@code keep}: from there on the scan would be that of
     * {@code text[keep..n)} alone, and no occurrence starting earlier can still end. For a text that restates a
     * value already scanned after a short prefix ("Image: C:\\x.exe"), this costs a few steps instead of a scan.
     */
    void scanPrefix(char[] text, int n, int keep, Hits hits) {
        if (n < shortest) return;
        int s = 0;
        final char[] dense = this.dense;
        final int classes = this.classes;
        final int denseStates = this.denseStates;
        final int[] asciiClass = this.asciiClass;
        final int checkFrom = keep == Integer.MAX_VALUE ? Integer.MAX_VALUE : keep - 1;
        for (int i = 0; i < n; i++) {
            if (i > checkFrom && i - depth[s] >= keep) return;
            char c = text[i];
            if (c >= 128) {
                char lc = Character.toLowerCase(c);
                if (lc >= 128) {
                    s = (otherChars[lc >>> 6] & (1L << lc)) == 0 ? 0 : fullStep(s, lc, hits);
                    continue;
                }
                c = lc; // a few non-ASCII letters fold to ASCII (Kelvin sign, dotted capital I)
            }
            int k = asciiClass[c];
            if (k == 0) {
                s = 0;
                continue;
            }
            if (s >= denseStates) {
                char lc = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
                int g = edge(s, lc);
                while (g < 0 && (s = fail[s]) >= denseStates) g = edge(s, lc);
                if (g >= 0) {
                    s = g;
                    if (emits[s]) report(s, hits);
                    continue;
                }
                // s is a dense state now; c is consumed by its row below
            }
            int t = dense[s * classes + k];
            if (t < FAR) {
                s = t;
            } else if (t == FAR) {
                s = fullStep(s, c >= 'A' && c <= 'Z' ? (char) (c + 32) : c, hits);
            } else {
                s = t & ~EMITS;
                report(s, hits);
            }
        }
    }

    /** One step by goto edges and failure links only (for characters without a dense class). */
    private int fullStep(int s, char lc, Hits hits) {
        while (true) {
            int t = edge(s, lc);
            if (t >= 0) {
                if (emits[t]) report(t, hits);
                return t;
            }
            if (s == 0) return 0;
            s = fail[s];
        }
    }

    private void report(int s, Hits hits) {
        for (int p : outputs[s]) hits.hit(p);
        for (int d = dictLink[s]; d > 0; d = dictLink[d]) {
            for (int p : outputs[d]) hits.hit(p);
        }
    }
}
