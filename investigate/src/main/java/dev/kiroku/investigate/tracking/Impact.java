package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.graph.ProvenanceGraph;
import dev.kiroku.investigate.history.ProcessRecord;

import java.util.List;

/**
 * What a process led to: its descendants, the files they changed (persistence marked), their connections and the
 * processes on other endpoints that accepted them.
 *
 * @param processes the root first, then descendants breadth-first, each with its generation
 */
public record Impact(ProcessRecord root, List<Descendant> processes, List<FileEffect> files, List<Connection> connections,
                     List<RemoteLink> lateral, ProvenanceGraph graph, List<String> cuts) {
    public Impact {
        processes = List.copyOf(processes);
        files = List.copyOf(files);
        connections = List.copyOf(connections);
        lateral = List.copyOf(lateral);
        cuts = List.copyOf(cuts);
    }

    public record Descendant(ProcessRecord process, int generation) {
    }

    public List<FileEffect> persistence() {
        return files.stream().filter(f -> f.persistence() != null).toList();
    }
}
