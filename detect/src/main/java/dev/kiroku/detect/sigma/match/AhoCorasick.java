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
    private final Map<Character, Integer> otherClass = new HashMap<>();
    private final int classes;
    private final int denseStates;
    private final int[] dense;
    private final long[] keys;
    private final int[] targets;
    private final int mask;
    private final int[] fail;
    private final int[] dictLink;
    private final int[][] outputs;
    private final boolean[] emits;

    AhoCorasick(List<String> patterns) {
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
                } else if (!otherClass.containsKey(c)) {
                    otherClass.put(c, nextClass++);
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
        denseStates = Math.max(1, Math.min(n, MAX_DENSE_CELLS / Math.max(1, classes)));
        dense = new int[denseStates * classes];
        Map<Integer, Character> charOfClass = new HashMap<>();
        for (char c = 0; c < 128; c++) if (asciiClass[c] != 0) charOfClass.put(asciiClass[c], c);
        for (Map.Entry<Character, Integer> e : otherClass.entrySet()) charOfClass.put(e.getValue(), e.getKey());
        for (int s = 0; s < denseStates; s++) {
            for (int k = 1; k < classes; k++) {
                char c = charOfClass.get(k);
                int g = edge(s, c);
                int via = s == 0 ? 0 : dense[fail[s] * classes + k];
                dense[s * classes + k] = g >= 0 ? g : via;
            }
        }
        // Mark transitions into emitting states by complementing them: one load per char decides both.
        for (int i = 0; i < dense.length; i++) {
            int t = dense[i];
            if (t > 0 && emits[t]) dense[i] = ~t;
        }
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

    private int classOf(char c) {
        if (c < 128) return asciiClass[c];
        Integer k = otherClass.get(Character.toLowerCase(c));
        return k == null ? 0 : k;
    }

    void scan(String text, Hits hits) {
        int s = 0;
        final int[] dense = this.dense;
        final int classes = this.classes;
        final int denseStates = this.denseStates;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            int k = c < 128 ? asciiClass[c] : classOf(c);
            if (k == 0) {
                s = 0;
                continue;
            }
            if (s >= denseStates) {
                char lc = c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
                while (s >= denseStates) {
                    int t = edge(s, lc);
                    if (t >= 0) {
                        s = t;
                        break;
                    }
                    s = fail[s];
                }
                if (s >= denseStates) {
                    if (emits[s]) report(s, hits);
                    continue;
                }
                int t = dense[s * classes + k];
                s = t < 0 ? ~t : t;
                if (t < 0) report(s, hits);
                continue;
            }
            int t = dense[s * classes + k];
            if (t < 0) {
                s = ~t;
                report(s, hits);
            } else {
                s = t;
            }
        }
    }

    private void report(int s, Hits hits) {
        for (int p : outputs[s]) hits.hit(p);
        for (int d = dictLink[s]; d > 0; d = dictLink[d]) {
            for (int p : outputs[d]) hits.hit(p);
        }
    }
}
