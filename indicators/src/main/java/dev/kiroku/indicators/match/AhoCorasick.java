package dev.kiroku.indicators.match;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Case-insensitive multi-pattern substring search (Aho–Corasick): one pass over the text finds every
 * pattern it contains, whatever the number of patterns. Patterns and text are compared lower-cased.
 *
 * @param <T> what a pattern stands for
 */
final class AhoCorasick<T> {
    private char[][] keys = new char[1][];
    private int[][] targets = new int[1][];
    private int[] fail;
    /** The nearest node along the failure chain (excluding itself) that ends a pattern, or -1. */
    private int[] outputLink;
    private final List<List<T>> outputs = new ArrayList<>();
    private final List<Map<Character, Integer>> building = new ArrayList<>();
    private boolean built;

    AhoCorasick() {
        building.add(new HashMap<>());
        outputs.add(null);
    }

    void add(String pattern, T value) {
        if (built) throw new IllegalStateException("already built");
        if (pattern.isEmpty()) throw new IllegalArgumentException("empty pattern");
        int node = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = Character.toLowerCase(pattern.charAt(i));
            Integer next = building.get(node).get(c);
            if (next == null) {
                next = building.size();
                building.add(new HashMap<>());
                outputs.add(null);
                building.get(node).put(c, next);
            }
            node = next;
        }
        if (outputs.get(node) == null) outputs.set(node, new ArrayList<>(1));
        outputs.get(node).add(value);
    }

    boolean isEmpty() {
        return building.size() == 1 && !built || built && keys[0].length == 0;
    }

    void build() {
        int n = building.size();
        keys = new char[n][];
        targets = new int[n][];
        for (int node = 0; node < n; node++) {
            Map<Character, Integer> edges = building.get(node);
            char[] k = new char[edges.size()];
            int j = 0;
            for (char c : edges.keySet()) k[j++] = c;
            Arrays.sort(k);
            int[] t = new int[k.length];
            for (int i = 0; i < k.length; i++) t[i] = edges.get(k[i]);
            keys[node] = k;
            targets[node] = t;
        }
        fail = new int[n];
        outputLink = new int[n];
        Arrays.fill(outputLink, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[0]) queue.add(child);
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int i = 0; i < keys[node].length; i++) {
                char c = keys[node][i];
                int child = targets[node][i];
                int f = fail[node];
                int next;
                while ((next = step(f, c)) < 0 && f != 0) f = fail[f];
                next = Math.max(next, 0);
                fail[child] = next == child ? 0 : next;
                outputLink[child] = outputs.get(fail[child]) != null ? fail[child] : outputLink[fail[child]];
                queue.add(child);
            }
        }
        building.clear();
        built = true;
    }

    private int step(int node, char c) {
        int i = Arrays.binarySearch(keys[node], c);
        return i >= 0 ? targets[node][i] : -1;
    }

    /** Hands every value whose pattern occurs in the text to the consumer (once per occurrence). */
    void search(String text, Consumer<T> found) {
        if (!built) throw new IllegalStateException("not built");
        int node = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            int next;
            while ((next = step(node, c)) < 0 && node != 0) node = fail[node];
            node = Math.max(next, 0);
            for (int out = outputs.get(node) != null ? node : outputLink[node]; out >= 0; out = outputLink[out]) {
                for (T value : outputs.get(out)) found.accept(value);
            }
        }
    }
}
