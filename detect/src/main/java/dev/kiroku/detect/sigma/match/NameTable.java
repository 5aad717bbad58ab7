package dev.kiroku.detect.sigma.match;

import java.util.Map;

/**
 * A read-only map from field name to value, tuned for the prefilter's question "does any rule scan this field?",
 * asked for every field of every event, mostly with names no rule uses. Open addressing over the names' hash codes in
 * one int array: an absent name usually costs one or two int comparisons and never touches a key, a present one an
 * identity comparison (the keys are interned, as JSON parsers intern field names) before falling back to equals.
 */
final class NameTable<V> {
    private final int[] hashes;
    private final String[] keys;
    private final Object[] values;
    private final int mask;

    NameTable(Map<String, V> map) {
        int cap = Integer.highestOneBit(Math.max(4, map.size() * 4 - 1)) << 1;
        hashes = new int[cap];
        keys = new String[cap];
        values = new Object[cap];
        mask = cap - 1;
        for (Map.Entry<String, V> e : map.entrySet()) {
            String key = e.getKey().intern();
            int h = key.hashCode();
            int i = spread(h) & mask;
            while (keys[i] != null) i = (i + 1) & mask;
            hashes[i] = h;
            keys[i] = key;
            values[i] = e.getValue();
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** The value of {@code name}, or null. */
    @SuppressWarnings("unchecked")
    V get(String name) {
        int h = name.hashCode();
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            String k = keys[i];
            if (k == null) return null;
            if (hashes[i] == h && (k == name || k.equals(name))) return (V) values[i];
        }
    }
}
