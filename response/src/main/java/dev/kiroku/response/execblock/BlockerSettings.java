package dev.kiroku.response.execblock;

import dev.kiroku.sensor.linux.procfs.Mount;
import dev.kiroku.sensor.linux.procfs.Mounts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the exec blocker runs.
 *
 * @param filesystems    paths on every filesystem to guard; each gets a filesystem mark, so copies anywhere on it are covered
 * @param deadline       longest a permission event may wait for a verdict before the watchdog answers ALLOW
 * @param workers        threads that compute verdicts
 * @param cacheCapacity  hashes kept in the content-hash cache
 * @param beforeVerdict  runs at the start of every verdict; production passes a no-op, the watchdog test
 *                       passes one that stalls
 * @param ignoreMarks    whether allowed executables get kernel-side ignore marks (on in production; the
 *                       benchmark turns it off to measure the cost of a verdict in user space)
 */
public record BlockerSettings(List<Path> filesystems, Duration deadline, int workers, int cacheCapacity,
                              Runnable beforeVerdict, boolean ignoreMarks) {

    /** Filesystem types that hold executables on a local disk or in memory. */
    static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "overlay",
            "squashfs", "vfat", "exfat", "iso9660", "zfs", "reiserfs", "jfs", "nilfs2");

    public BlockerSettings {
        filesystems = List.copyOf(filesystems);
        if (filesystems.isEmpty()) {
            throw new IllegalArgumentException("exec blocker: at least one filesystem to guard");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("exec blocker: deadline must be positive: " + deadline);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("exec blocker: workers must be at least 1: " + workers);
        }
    }

    /** Guards the given filesystems with the production defaults: 200 ms deadline, 2 workers. */
    public static BlockerSettings of(List<Path> filesystems) {
        return new BlockerSettings(filesystems, Duration.ofMillis(200), 2, 65_536, () -> { }, true);
    }

    /** Every local filesystem of this machine (one mount point per superblock). */
    public static List<Path> localFilesystems() throws IOException {
        Map<String, Path> bySuperblock = new LinkedHashMap<>();
        for (Mount m : Mounts.ofSelf().all()) {
            if (LOCAL_TYPES.contains(m.fsType()) && !m.mountPoint().startsWith("/proc") && !m.mountPoint().startsWith("/sys")) {
                bySuperblock.putIfAbsent(m.device(), Path.of(m.mountPoint()));
            }
        }
        return new ArrayList<>(bySuperblock.values());
    }

    public BlockerSettings withBeforeVerdict(Runnable hook) {
        return new BlockerSettings(filesystems, deadline, workers, cacheCapacity, hook, ignoreMarks);
    }

    public BlockerSettings withDeadline(Duration d) {
        return new BlockerSettings(filesystems, d, workers, cacheCapacity, beforeVerdict, ignoreMarks);
    }

    public BlockerSettings withIgnoreMarks(boolean on) {
        return new BlockerSettings(filesystems, deadline, workers, cacheCapacity, beforeVerdict, on);
    }
}
