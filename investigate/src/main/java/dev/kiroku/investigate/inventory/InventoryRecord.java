package dev.kiroku.investigate.inventory;

import java.time.Instant;
import java.util.Objects;

/**
 * One sighting of an executable or script on an endpoint, from the agent's scanner or from recorded events.
 *
 * @param sha256   content hash, hex; "" when the sighting could not hash it (a file event)
 * @param size     bytes, -1 when unknown
 * @param executed true when the sighting is an execution
 * @param source   "scan", "exec" or "file_event"
 */
public record InventoryRecord(String agentId, String hostName, String path, String sha256, long size, Instant seenAt,
                              boolean executed, String source) {
    public static final String UNKNOWN_HASH = "";

    public InventoryRecord {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(seenAt, "seenAt");
        sha256 = sha256 == null ? UNKNOWN_HASH : sha256.toLowerCase(java.util.Locale.ROOT);
        hostName = hostName == null ? "" : hostName;
    }

    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
