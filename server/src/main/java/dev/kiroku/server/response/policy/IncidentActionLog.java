package dev.kiroku.server.response.policy;

import dev.kiroku.investigate.incident.Incident;
import dev.kiroku.investigate.incident.IncidentRepository;

import java.time.Duration;
import java.util.Optional;

/**
 * Adds automatic actions to the incident of their alert. Alerts join incidents in the background, so an action
 * taken right after the alert opened waits (up to {@link #GROUPING_WAIT}) for the alert's incident to exist.
 */
public final class IncidentActionLog implements ResponsePolicyEngine.IncidentActions {
    private static final Duration GROUPING_WAIT = Duration.ofSeconds(10);
    private static final int RECENT_INCIDENTS = 500;

    private final IncidentRepository incidents;

    public IncidentActionLog(IncidentRepository incidents) {
        this.incidents = incidents;
    }

    @Override
    public void record(long alertId, String action, String target, String agentId, String actor, String outcome) {
        long until = System.nanoTime() + GROUPING_WAIT.toNanos();
        Optional<Incident> incident = incidentOf(alertId);
        while (incident.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            incident = incidentOf(alertId);
        }
        if (incident.isEmpty()) {
            throw new IllegalStateException("alert " + alertId + " is in no incident after " + GROUPING_WAIT.toSeconds() + " s");
        }
        incidents.addAction(incident.get().id(), action, target == null ? "" : target, agentId, actor, outcome);
    }

    private Optional<Incident> incidentOf(long alertId) {
        String id = String.valueOf(alertId);
        return incidents.list(null, RECENT_INCIDENTS).stream()
                .filter(i -> i.alerts().stream().anyMatch(a -> a.id().equals(id))).findFirst();
    }
}
