package dev.kiroku.investigate.workflow;

import java.time.Instant;
import java.util.List;

/**
 * Step 3: one endpoint that carries an artifact.
 *
 * @param state     RAN (recorded running), CONNECTED_OUT (ran and connected out), DORMANT (present, never seen running)
 * @param matchedBy "hash" or "name" (same name, other or unknown content)
 * @param evidence  where this comes from ("exec events", "inventory scan", "file events")
 */
public record Presence(String agentId, String hostName, List<String> paths, String sha256, State state, String matchedBy,
                       Instant firstSeen, Instant lastSeen, List<String> evidence) {
    public Presence {
        paths = List.copyOf(paths);
        evidence = List.copyOf(evidence);
    }

    public enum State { RAN, CONNECTED_OUT, DORMANT }
}
