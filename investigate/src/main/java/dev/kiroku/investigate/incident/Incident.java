package dev.kiroku.investigate.incident;

import dev.kiroku.investigate.workflow.AlertRef;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Alerts that share a causal root, and the work on them.
 *
 * @param processes  entity ids of the provenance subgraph the alerts share (subjects up to their causal roots, and the
 *                   writers of the files they ran)
 * @param causalRoots the processes where the intrusion entered, one per distinct root
 * @param rootCause  stated when closing
 * @param scope      stated when closing
 */
public record Incident(long id, String title, IncidentStatus status, String assignee, List<AlertRef> alerts, Set<String> processes,
                       Set<String> causalRoots, List<Note> notes, List<ResponseActionRecord> actions, String rootCause, String scope,
                       Instant created, Instant updated, Instant closed) {
    public Incident {
        alerts = List.copyOf(alerts);
        processes = Set.copyOf(processes);
        causalRoots = Set.copyOf(causalRoots);
        notes = List.copyOf(notes);
        actions = List.copyOf(actions);
    }
}
