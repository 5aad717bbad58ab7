package dev.kiroku.investigate.incident;

import java.time.Instant;

/**
 * A response action taken for an incident (the response module appends these: kill, isolate, quarantine, …).
 *
 * @param action  what was done ("kill_process", "isolate_host", "quarantine_file", …)
 * @param target  what it was done to (entity id, path, address)
 * @param outcome what came of it ("done", "failed: …")
 */
public record ResponseActionRecord(long id, String action, String target, String agentId, String actor, String outcome, Instant time) {
}
