package dev.kiroku.investigate.incident;

import java.time.Instant;

/** One event of an incident's processes, in time order across endpoints. */
public record TimelineEntry(Instant time, String agentId, String hostName, String processEntityId, String process, String action,
                            String summary) {
}
