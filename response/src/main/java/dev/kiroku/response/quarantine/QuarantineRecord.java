package dev.kiroku.response.quarantine;

import java.time.Instant;

/**
 * What the store keeps about a quarantined file, next to its encrypted content: enough to put it
 * back exactly (path, owner, mode including setuid/setgid/sticky bits, mtime) and to prove it is
 * the same content (SHA-256, size).
 *
 * @param iv the AES-CTR initialisation vector of the content, Base64
 * @param runningPids processes that were executing the file when it was quarantined
 */
public record QuarantineRecord(String id, String originalPath, int uid, int gid, int mode, Instant mtime,
                               String sha256, long size, Instant quarantinedAt, String iv,
                               java.util.List<Long> runningPids, Instant restoredAt) {
}
