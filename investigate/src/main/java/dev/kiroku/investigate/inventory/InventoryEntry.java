package dev.kiroku.investigate.inventory;

import java.time.Instant;

/**
 * What the server knows about one file version (path + hash) on one endpoint.
 *
 * @param sha256       "" when only a file event without hash saw it
 * @param size         bytes, -1 when unknown
 * @param executed     whether it was ever seen running
 * @param lastExecuted the last execution seen, or null
 * @param source       where the last sighting came from ("scan", "exec", "file_event")
 * @param md5          MD5 hex, or null when no sighting computed it
 * @param sha1         SHA-1 hex, or null when no sighting computed it
 */
public record InventoryEntry(String agentId, String hostName, String path, String name, String sha256, long size,
                             Instant firstSeen, Instant lastSeen, boolean executed, Instant lastExecuted, String source,
                             String md5, String sha1) {
}
