package dev.kiroku.investigate.history;

import java.util.Collection;
import java.util.stream.Collectors;

/** Builds store query text from values that may hold any character (paths, ids, names). */
public final class QueryText {
    private QueryText() {
    }

    /** A quoted value: matched as one exact keyword, with quotes and backslashes escaped. */
    public static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code field:"value"}: the exact keyword. */
    public static String exact(String field, String value) {
        return field + ":" + quoted(value);
    }

    /** {@code field:="value"}: the exact value of a path-like field (searched by words otherwise). */
    public static String exactPath(String field, String value) {
        return field + ":=" + quoted(value);
    }

    /** {@code field:("a" OR "b")} for keyword fields. */
    public static String anyOf(String field, Collection<String> values) {
        return field + ":(" + values.stream().map(QueryText::quoted).collect(Collectors.joining(" OR ")) + ")";
    }
}
