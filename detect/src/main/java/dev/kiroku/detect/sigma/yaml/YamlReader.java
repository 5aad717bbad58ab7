package dev.kiroku.detect.sigma.yaml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Reads multi-document YAML into {@link YNode} trees (YAML 1.2 core schema), rejecting duplicate keys. */
public final class YamlReader {
    private static final int MAX_DEPTH = 64;

    private YamlReader() {
    }

    /** A YAML syntax or structure problem at a 1-based line. */
    public static final class YamlException extends Exception {
        private final int line;

        public YamlException(String message, int line) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    public static List<YNode> readAll(String text, String name) throws YamlException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(name)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true)
                .setMaxAliasesForCollections(50)
                .setCodePointLimit(8 * 1024 * 1024)
                .build();
        List<YNode> docs = new ArrayList<>();
        try {
            for (Node node : new Compose(settings).composeAllFromString(text)) {
                docs.add(convert(node, new IdentityHashMap<>(), 0));
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new YamlException("invalid YAML: " + firstLine(e.getProblem()), line);
        } catch (YamlEngineException e) {
            throw new YamlException("invalid YAML: " + firstLine(e.getMessage()), 0);
        }
        return docs;
    }

    private static String firstLine(String s) {
        if (s == null) return "syntax error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }

    private static YNode convert(Node node, Map<Node, Boolean> active, int depth) throws YamlException {
        if (depth > MAX_DEPTH) throw new YamlException("YAML nested too deeply", line(node));
        if (active.put(node, Boolean.TRUE) != null) throw new YamlException("recursive YAML alias", line(node));
        try {
            return switch (node) {
                case ScalarNode s -> scalar(s);
                case SequenceNode s -> {
                    List<YNode> items = new ArrayList<>();
                    for (Node child : s.getValue()) items.add(convert(child, active, depth + 1));
                    yield new YNode.YSeq(List.copyOf(items), line(s));
                }
                case MappingNode m -> {
                    List<YNode.Entry> entries = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (NodeTuple t : m.getValue()) {
                        if (!(t.getKeyNode() instanceof ScalarNode k)) {
                            throw new YamlException("map keys must be scalars", line(t.getKeyNode()));
                        }
                        YNode.YScalar key = scalar(k);
                        if (!seen.add(key.text())) {
                            throw new YamlException("duplicate key '" + key.text() + "'", key.line());
                        }
                        entries.add(new YNode.Entry(key, convert(t.getValueNode(), active, depth + 1)));
                    }
                    yield new YNode.YMap(List.copyOf(entries), line(m));
                }
                default -> throw new YamlException("unsupported YAML node", line(node));
            };
        } finally {
            active.remove(node);
        }
    }

    private static YNode.YScalar scalar(ScalarNode s) {
        Tag tag = s.getTag();
        YNode.Kind kind;
        if (tag.equals(Tag.NULL)) kind = YNode.Kind.NULL;
        else if (tag.equals(Tag.BOOL)) kind = YNode.Kind.BOOL;
        else if (tag.equals(Tag.INT)) kind = YNode.Kind.INT;
        else if (tag.equals(Tag.FLOAT)) kind = YNode.Kind.FLOAT;
        else kind = YNode.Kind.STRING;
        return new YNode.YScalar(s.getValue(), kind, line(s));
    }
}
