package dev.kiroku.investigate.tracking;

import java.time.Instant;

/**
 * A file change a process made.
 *
 * @param persistence the mechanism the write sets up ("cron", "systemd unit", …), or null
 * @param executedBy  entity ids of processes that later ran the file, on the same endpoint
 */
public record FileEffect(String agentId, String path, String action, Instant time, String processEntityId, String renamedFrom,
                         String persistence, java.util.List<String> executedBy) {
    public FileEffect {
        executedBy = java.util.List.copyOf(executedBy);
    }
}
