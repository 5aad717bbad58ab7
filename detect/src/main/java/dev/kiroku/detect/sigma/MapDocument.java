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
 */
public final class MapDocument implements Document {
    private final Map<String, Object> index = new HashMap<>();
    private final List<Object> leaves = new ArrayList<>();

    public MapDocument(Map<String, ?> source) {
        for (Map.Entry<String, ?> e : source.entrySet()) flatten(e.getKey(), e.getValue(), 0);
        if (source.get("Event") instanceof Map<?, ?> event && event.get("System") instanceof Map<?, ?>) {
            for (Map.Entry<?, ?> e : event.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> section) evtxSection(String.valueOf(e.getKey()), section);
            }
        }
    }

    private void flatten(String path, Object value, int depth) {
        if (!index.containsKey(path)) index.put(path, value);
        if (value instanceof Map<?, ?> m && depth < 32) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(path + "." + e.getKey(), e.getValue(), depth + 1);
        } else if (value != null) {
            leaves.add(value);
        }
    }

    private void evtxSection(String section, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (key.equals("#attributes")) continue;
            if (v instanceof Map<?, ?> m) {
                Object attrs = m.get("#attributes");
                if (attrs instanceof Map<?, ?> am) {
                    for (Map.Entry<?, ?> a : am.entrySet()) alias(key + "_" + a.getKey(), a.getValue());
                }
                if (m.containsKey("#text")) alias(key, m.get("#text"));
                if (section.equals("UserData") || section.equals("EventData")) {
                    for (Map.Entry<?, ?> inner : m.entrySet()) {
                        String ik = String.valueOf(inner.getKey());
                        if (!ik.startsWith("#") && !(inner.getValue() instanceof Map<?, ?>)) alias(ik, inner.getValue());
                    }
                }
            } else {
                alias(key, v);
            }
        }
    }

    private void alias(String name, Object value) {
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
    public Iterable<Object> values() {
        return leaves;
    }
}
