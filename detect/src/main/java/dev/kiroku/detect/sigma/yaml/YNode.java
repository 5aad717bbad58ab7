package dev.kiroku.detect.sigma.yaml;

import java.util.List;

/** A YAML node with the 1-based line it starts on; a tiny tree that keeps locations for error reports. */
public sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {
    int line();

    /** A mapping; entries keep document order. Keys are scalars. */
    record YMap(List<Entry> entries, int line) implements YNode {
        public YNode get(String key) {
            for (Entry e : entries) if (e.key().text().equals(key)) return e.value();
            return null;
        }
    }

    record Entry(YScalar key, YNode value) {
    }

    record YSeq(List<YNode> items, int line) implements YNode {
    }

    /** A scalar with its original text and the type the YAML 1.2 core schema resolved. */
    record YScalar(String text, Kind kind, int line) implements YNode {
        public boolean isNull() {
            return kind == Kind.NULL;
        }
    }

    enum Kind { STRING, INT, FLOAT, BOOL, NULL }

    static String describe(YNode node) {
        return switch (node) {
            case YMap m -> "a map";
            case YSeq s -> "a list";
            case YScalar s -> s.kind() == Kind.NULL ? "null" : "a scalar";
        };
    }
}
