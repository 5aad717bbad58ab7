package dev.kiroku.sensor.linux.fanotify;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * How {@link FanotifyFileSource} watches.
 *
 * @param markPaths      one FAN_MARK_FILESYSTEM mark per filesystem holding one of these paths;
 *                       empty means every local, writable filesystem in /proc/self/mountinfo
 * @param ignoredPids    events caused by these pids (tgids) are dropped, e.g. the agent itself so
 *                       that its own journal writes do not feed back
 * @param unlimitedQueue FAN_UNLIMITED_QUEUE: no kernel-side loss, but a stalled reader lets the
 *                       kernel queue grow without bound in kernel memory. Off by default: the
 *                       queue holds {@code /proc/sys/fs/fanotify/max_queued_events} (16384 here)
 *                       events, overflow is reported as {@link FileLoss}
 * @param pathCacheSize  how many directory handle → path entries to keep (LRU)
 * @param readBufferSize bytes per read(2)
 */
public record FanotifySettings(List<Path> markPaths, Set<Integer> ignoredPids, boolean unlimitedQueue,
                               int pathCacheSize, int readBufferSize) {

    public static final int DEFAULT_CACHE = 16_384;
    public static final int DEFAULT_BUFFER = 256 * 1024;

    public FanotifySettings {
        markPaths = List.copyOf(markPaths);
        ignoredPids = Set.copyOf(ignoredPids);
        if (pathCacheSize < 1) {
            throw new IllegalArgumentException("pathCacheSize must be positive: " + pathCacheSize);
        }
        if (readBufferSize < 4096) {
            throw new IllegalArgumentException("readBufferSize must be at least 4096: " + readBufferSize);
        }
    }

    /** Every local writable filesystem, bounded queue, default cache. */
    public static FanotifySettings allLocalFilesystems() {
        return new FanotifySettings(List.of(), Set.of(), false, DEFAULT_CACHE, DEFAULT_BUFFER);
    }

    /** Only the filesystems that hold these paths. */
    public static FanotifySettings filesystemsOf(Path... paths) {
        return new FanotifySettings(List.of(paths), Set.of(), false, DEFAULT_CACHE, DEFAULT_BUFFER);
    }

    public FanotifySettings ignoringPids(Set<Integer> pids) {
        return new FanotifySettings(markPaths, pids, unlimitedQueue, pathCacheSize, readBufferSize);
    }

    public FanotifySettings withUnlimitedQueue(boolean unlimited) {
        return new FanotifySettings(markPaths, ignoredPids, unlimited, pathCacheSize, readBufferSize);
    }

    public FanotifySettings withPathCacheSize(int size) {
        return new FanotifySettings(markPaths, ignoredPids, unlimitedQueue, size, readBufferSize);
    }
}
