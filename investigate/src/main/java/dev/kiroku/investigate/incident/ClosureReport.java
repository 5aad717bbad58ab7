package dev.kiroku.investigate.incident;

import dev.kiroku.investigate.workflow.ArtifactScope;

import java.time.Instant;
import java.util.List;

/**
 * The declaration that an incident is over: what happened, from where, how far it reached, what was done and what
 * remains. Rendered as JSON (this record) and printable HTML ({@link ClosureReportHtml}).
 *
 * @param rootCauseChain the chain of the first causal root, one readable line per step, origin first
 * @param checkedEndpoints every endpoint the scope was checked against
 * @param openRisks      what is still worth watching (dormant copies, persistence not removed, event loss)
 */
public record ClosureReport(long incidentId, String title, IncidentStatus status, String assignee, Instant created, Instant closed,
                            String summary, String rootCause, String scope, List<String> rootCauseChain, List<TimelineEntry> timeline,
                            List<String> affectedEndpoints, List<String> checkedEndpoints, List<ArtifactScope> artifacts,
                            List<Indicator> indicators, List<ResponseActionRecord> actions, List<Note> notes, List<String> openRisks,
                            Instant generated) {
    public ClosureReport {
        rootCauseChain = List.copyOf(rootCauseChain);
        timeline = List.copyOf(timeline);
        affectedEndpoints = List.copyOf(affectedEndpoints);
        checkedEndpoints = List.copyOf(checkedEndpoints);
        artifacts = List.copyOf(artifacts);
        indicators = List.copyOf(indicators);
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        openRisks = List.copyOf(openRisks);
    }
}
