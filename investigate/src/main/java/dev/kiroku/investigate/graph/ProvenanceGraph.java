package dev.kiroku.investigate.graph;

import java.util.List;

/**
 * Nodes and edges around a process, and where the walk was cut.
 *
 * @param cuts why the graph is not whole (limits reached, fan-out pruned), empty when it is
 */
public record ProvenanceGraph(List<Node> nodes, List<Edge> edges, List<String> cuts) {
    public ProvenanceGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        cuts = List.copyOf(cuts);
    }

    public boolean truncated() {
        return !cuts.isEmpty();
    }
}
