package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.graph.ProvenanceGraph;
import dev.kiroku.investigate.history.ProcessRecord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The chain behind a process: itself first, then each ancestor up to the first process of its session, with where
 * each executable or script came from.
 *
 * @param chain    the subject first, the session boundary (or the oldest recorded ancestor) last
 * @param boundary why the chain stops ("init", "sshd session", "cron", "parent not recorded", "depth limit")
 * @param graph    the chain as nodes and edges (null for the writer chains nested inside)
 * @param cuts     what limits cut, empty when whole
 */
public record RootCause(ProcessRecord subject, List<ChainLink> chain, String boundary, ProvenanceGraph graph, List<String> cuts) {
    public RootCause {
        chain = List.copyOf(chain);
        cuts = List.copyOf(cuts);
    }

    /**
     * The process where the intrusion entered: the oldest process in the chain that ran a file written within the
     * record (a download or a drop); without one, the oldest process below the session boundary.
     */
    public ProcessRecord causalRoot() {
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).ranRecordedWrite()) return chain.get(i).process();
        }
        int below = chain.size() - (ProcessRoles.boundary(chain.getLast().process()).isPresent() && chain.size() > 1 ? 2 : 1);
        return chain.get(Math.max(below, 0)).process();
    }

    /** Every file origin in the chain that was written within the record, subject side first. */
    public List<FileOrigin> writtenFiles() {
        List<FileOrigin> out = new ArrayList<>();
        for (ChainLink link : chain) for (FileOrigin o : link.origins()) if (o.written()) out.add(o);
        return out;
    }

    /** Entity ids of every process here: the chain and, recursively, the writers and their chains. */
    public Set<String> processIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (ChainLink link : chain) {
            ids.add(link.process().entityId());
            for (FileOrigin o : link.origins()) {
                if (o.writer() == null) continue;
                ids.add(o.writer().process().entityId());
                if (o.writer().writerChain() != null) ids.addAll(o.writer().writerChain().processIds());
            }
            if (link.enteredFrom() != null && link.enteredFrom().connection().processEntityId() != null) {
                ids.add(link.enteredFrom().connection().processEntityId());
            }
        }
        return ids;
    }
}
