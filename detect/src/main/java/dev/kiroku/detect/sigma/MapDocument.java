package dev.kiroku.detect.sigma;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Document} over a JSON-like map, flat ({@code "process.executable"} keys, as {@code Event.toEcs()} gives)
 * or nested. Every value is reachable by its dotted path; a flat key wins over a nested path of the same name.
 *
 * <p>Windows event records converted from EVTX ({@code {"Event": {"System": …, "EventData": …}}}) also answer
 * the Sigma names of their fields: {@code EventID}, {@code Image}, {@code Provider_Name} (an XML attribute
 * {@code Name} of {@code Provider}), {@code #text} content under its element name.
 *
 * <p>A flat map (no value is a map, as {@code Event.toEcs()} and most log lines give) is used as it is, not copied:
 * the document must not outlive changes to it.
 */
public final class MapDocument implements Document {
    /** The source itself when it is flat (no nested map: nothing to flatten or alias), else its flattened copy. */
    private final Map<String, ?> index;
    private final List<Object> leaves = new ArrayList<>();

    public MapDocument(Map<String, ?> source) {
        if (flat(source)) {
            index = source;
            return;
        }
        leaves.clear();
        Map<String, Object> copy = new HashMap<>();
        index = copy;
        for (Map.Entry<String, ?> e : source.entrySet()) flatten(copy, e.getKey(), e.getValue(), 0);
        if (source.get("Event") instanceof Map<?, ?> event && event.get("System") instanceof Map<?, ?>) {
            for (Map.Entry<?, ?> e : event.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> section) evtxSection(copy, String.valueOf(e.getKey()), section);
            }
        }
    }

    /** True if no value is a map; collects the leaves on the way (cleared by the caller otherwise). */
    private boolean flat(Map<String, ?> source) {
        for (Object v : source.values()) {
            if (v instanceof Map<?, ?>) return false;
            if (v != null) leaves.add(v);
        }
        return true;
    }

    private void flatten(Map<String, Object> index, String path, Object value, int depth) {
        if (!index.containsKey(path)) index.put(path, value);
        if (value instanceof Map<?, ?> m && depth < 32) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(index, path + "." + e.getKey(), e.getValue(), depth + 1);
        } else if (value != null) {
            leaves.add(value);
        }
    }

    private static void evtxSection(Map<String, Object> index, String section, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (key.equals("#attributes")) continue;
            if (v instanceof Map<?, ?> m) {
                Object attrs = m.get("#attributes");
                if (attrs instanceof Map<?, ?> am) {
                    for (Map.Entry<?, ?> a : am.entrySet()) alias(index, key + "_" + a.getKey(), a.getValue());
                }
                if (m.containsKey("#text")) alias(index, key, m.get("#text"));
                if (section.equals("UserData") || section.equals("EventData")) {
                    for (Map.Entry<?, ?> inner : m.entrySet()) {
                        String ik = String.valueOf(inner.getKey());
                        if (!ik.startsWith("#") && !(inner.getValue() instanceof Map<?, ?>)) alias(index, ik, inner.getValue());
                    }
                }
            } else {
                alias(index, key, v);
            }
        }
    }

    private static void alias(Map<String, Object> index, String name, Object value) {
        if (!index.containsKey(name)) index.put(name, value);
    }

    @Override
    public Object get(String field) {
        return index.get(field);
    }

    @Override
    public boolean has(String field) {
        return index.containsKey(field);
    }

    @Override
    public Collection<String> fieldNames() {
        return index.keySet();
    }

    @Override
    public Iterable<? extends Map.Entry<String, ?>> fields() {
        return index.entrySet();
    }

    @Override
    public Iterable<Object> values() {
        return leaves;
    }
}
