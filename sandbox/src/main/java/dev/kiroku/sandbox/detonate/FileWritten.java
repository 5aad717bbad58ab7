package dev.kiroku.sandbox.detonate;

/**
 * A file the sample changed in the sandbox's writable layer.
 *
 * @param path       path as the sample saw it ("/etc/cron.d/job")
 * @param size       bytes
 * @param type       type by content, "deleted" for a removed file, "symlink -> target"
 * @param sha256     of the content, null for deletions and links
 * @param executable owner-executable bit set
 */
public record FileWritten(String path, long size, String type, String sha256, boolean executable) {
}
