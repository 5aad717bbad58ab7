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
 * @param md5      MD5 hex, or null when the sighting did not compute it
 * @param sha1     SHA-1 hex, or null when the sighting did not compute it
 */
public record InventoryRecord(String agentId, String hostName, String path, String sha256, long size, Instant seenAt,
                              boolean executed, String source, String md5, String sha1) {
    public static final String UNKNOWN_HASH = "";

    /** A sighting with its SHA-256 only. */
    public InventoryRecord(String agentId, String hostName, String path, String sha256, long size, Instant seenAt,
                           boolean executed, String source) {
        this(agentId, hostName, path, sha256, size, seenAt, executed, source, null, null);
    }

    public InventoryRecord {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(seenAt, "seenAt");
        sha256 = sha256 == null ? UNKNOWN_HASH : sha256.toLowerCase(java.util.Locale.ROOT);
        hostName = hostName == null ? "" : hostName;
        md5 = md5 == null || md5.isEmpty() ? null : md5.toLowerCase(java.util.Locale.ROOT);
        sha1 = sha1 == null || sha1.isEmpty() ? null : sha1.toLowerCase(java.util.Locale.ROOT);
    }

    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
