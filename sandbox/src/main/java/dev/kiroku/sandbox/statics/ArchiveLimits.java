package dev.kiroku.sandbox.statics;

/**
 * Bounds for unpacking archives in memory.
 *
 * @param maxDepth       archives inside archives deeper than this are listed, not opened
 * @param maxEntries     members per archive
 * @param maxTotalBytes  decompressed bytes over the whole sample, nested archives included
 * @param maxRatio       decompressed bytes per archive byte above which it is treated as a bomb (checked past 1 MiB)
 * @param maxMemberBytes members larger than this are hashed and typed from their head only
 */
public record ArchiveLimits(int maxDepth, int maxEntries, long maxTotalBytes, int maxRatio, int maxMemberBytes) {
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(3, 2000, 128L << 20, 100, 16 << 20);
    }
}
