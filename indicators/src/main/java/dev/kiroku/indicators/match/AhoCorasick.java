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
 * pattern it contains, whatever the number of patterns. Patterns and text are compared lower-cased
 * ({@link Character#toLowerCase(char)}), without copying the text.
 *
 * <p>Once built, the automaton is a dense transition table over the pattern alphabet (each text
 * character costs one table read; characters in no pattern go straight back to the root) when that
 * table fits in {@link #DEFAULT_DENSE_LIMIT} cells, otherwise sorted edge lists with failure links.
 * Texts shorter than the shortest pattern are not scanned.
 *
 * @param <T> what a pattern stands for
 */
final class AhoCorasick<T> {
    /** Largest dense table (nodes × alphabet classes) built by default: 16 MiB of ints. */
    static final int DEFAULT_DENSE_LIMIT = 4 << 20;

    private final int denseLimit;
    private char[][] keys = new char[1][];
    private int[][] targets = new int[1][];
    private int[] fail;
    /** The nearest node along the failure chain (including itself) that ends a pattern, or -1. */
    private int[] firstOutput;
    private List<T>[] outputArray;
    /** Dense mode: text character → alphabet class (0 = in no pattern), and node × classes → next node. */
    private char[] classOf;
    private int classes;
    private int[] next;
    private int minLength = Integer.MAX_VALUE;
    private final List<List<T>> outputs = new ArrayList<>();
    private final List<Map<Character, Integer>> building = new ArrayList<>();
    private boolean built;

    AhoCorasick() {
        this(DEFAULT_DENSE_LIMIT);
    }

    /** An automaton that builds a dense table only up to {@code denseLimit} cells (0: never). */
    AhoCorasick(int denseLimit) {
        this.denseLimit = denseLimit;
        building.add(new HashMap<>());
        outputs.add(null);
    }

    void add(String pattern, T value) {
        if (built) throw new IllegalStateException("already built");
        if (pattern.isEmpty()) throw new IllegalArgumentException("empty pattern");
        minLength = Math.min(minLength, pattern.length());
        int node = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = Character.toLowerCase(pattern.charAt(i));
            Integer child = building.get(node).get(c);
            if (child == null) {
                child = building.size();
                building.add(new HashMap<>());
                outputs.add(null);
                building.get(node).put(c, child);
            }
            node = child;
        }
        if (outputs.get(node) == null) outputs.set(node, new ArrayList<>(1));
        outputs.get(node).add(value);
    }

    boolean isEmpty() {
        return building.size() == 1 && !built || built && keys[0].length == 0;
    }

    /** Whether the built automaton uses the dense table. */
    boolean dense() {
        return next != null;
    }

    @SuppressWarnings("unchecked")
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
        int[] order = new int[n]; // breadth-first: a node's failure target comes before it
        int ordered = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[0]) queue.add(child);
        while (!queue.isEmpty()) {
            int node = queue.poll();
            order[ordered++] = node;
            for (int i = 0; i < keys[node].length; i++) {
                char c = keys[node][i];
                int child = targets[node][i];
                int f = fail[node];
                int step;
                while ((step = step(f, c)) < 0 && f != 0) f = fail[f];
                step = Math.max(step, 0);
                fail[child] = step == child ? 0 : step;
                queue.add(child);
            }
        }
        outputArray = new List[n];
        for (int node = 0; node < n; node++) outputArray[node] = outputs.get(node);
        firstOutput = new int[n];
        firstOutput[0] = outputArray[0] != null ? 0 : -1;
        for (int i = 0; i < ordered; i++) {
            int node = order[i];
            firstOutput[node] = outputArray[node] != null ? node : firstOutput[fail[node]];
        }
        buildDense(n, order, ordered);
        building.clear();
        outputs.clear();
        built = true;
    }

    /** The goto-plus-failure function as a table, when the alphabet is small enough for it to fit. */
    private void buildDense(int n, int[] order, int ordered) {
        Map<Character, Integer> classIds = new HashMap<>();
        for (char[] k : keys) for (char c : k) classIds.putIfAbsent(c, classIds.size() + 1);
        int width = classIds.size() + 1;
        if ((long) n * width > denseLimit) return;
        char[] map = new char[Character.MAX_VALUE + 1];
        for (int x = 0; x <= Character.MAX_VALUE; x++) {
            Integer id = classIds.get(Character.toLowerCase((char) x));
            if (id != null) map[x] = (char) (int) id;
        }
        int[] table = new int[n * width];
        for (int i = 0; i < keys[0].length; i++) table[classIds.get(keys[0][i])] = targets[0][i];
        for (int o = 0; o < ordered; o++) {
            int node = order[o];
            System.arraycopy(table, fail[node] * width, table, node * width, width);
            for (int i = 0; i < keys[node].length; i++) table[node * width + classIds.get(keys[node][i])] = targets[node][i];
        }
        classOf = map;
        classes = width;
        next = table;
    }

    private int step(int node, char c) {
        int i = Arrays.binarySearch(keys[node], c);
        return i >= 0 ? targets[node][i] : -1;
    }

    /** Hands every value whose pattern occurs in the text to the consumer (once per occurrence). */
    void search(String text, Consumer<? super T> found) {
        if (!built) throw new IllegalStateException("not built");
        if (text.length() < minLength) return;
        if (next != null) {
            searchDense(text, found);
            return;
        }
        int node = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            int step;
            while ((step = step(node, c)) < 0 && node != 0) node = fail[node];
            node = Math.max(step, 0);
            report(node, found);
        }
    }

    private void searchDense(String text, Consumer<? super T> found) {
        int[] table = next;
        char[] map = classOf;
        int width = classes;
        int node = 0;
        for (int i = 0, length = text.length(); i < length; i++) {
            node = table[node * width + map[text.charAt(i)]];
            if (firstOutput[node] >= 0) report(node, found);
        }
    }

    private void report(int node, Consumer<? super T> found) {
        for (int out = firstOutput[node]; out >= 0; out = firstOutput[fail[out]]) {
            for (T value : outputArray[out]) found.accept(value);
            if (out == 0) return;
        }
    }
}
