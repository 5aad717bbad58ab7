package dev.kiroku.agent.process;

import dev.kiroku.sensor.linux.procfs.Mounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cgroup v2 paths by cgroup id, the id the kernel reports (the inode of the cgroup's directory in the cgroup file
 * system; never reused while the machine runs). An unknown id re-reads the tree's directories, at most once a
 * second. Not thread-safe: the enrichment thread uses it.
 */
final class CgroupPaths {
    private static final long RESCAN_NANOS = 1_000_000_000L;
    private final Path root; // null: no cgroup v2 mount
    private final Map<Long, String> byId = new HashMap<>();
    private long lastScan = System.nanoTime() - RESCAN_NANOS;

    CgroupPaths(Path root) {
        this.root = root;
    }

    /** Over the first cgroup v2 mount of this mount namespace ({@code /sys/fs/cgroup}, or its {@code unified} in hybrid mode). */
    static CgroupPaths ofMounts() {
        try {
            return new CgroupPaths(Mounts.ofSelf().all().stream().filter(m -> m.fsType().equals("cgroup2") && m.root().equals("/"))
                    .map(m -> Path.of(m.mountPoint())).findFirst().orElse(null));
        } catch (IOException | RuntimeException e) {
            return new CgroupPaths(null);
        }
    }

    /** The path as /proc/PID/cgroup writes it ({@code /} for the root), or null when no cgroup has this id. */
    String path(long id) {
        String path = byId.get(id);
        if (path != null || id == 0 || root == null) return path;
        if (System.nanoTime() - lastScan < RESCAN_NANOS) return null;
        scan();
        return byId.get(id);
    }

    private void scan() {
        lastScan = System.nanoTime();
        if (byId.size() > 100_000) byId.clear();
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    long inode = (Long) Files.getAttribute(dir, "unix:ino");
                    String relative = root.relativize(dir).toString();
                    byId.put(inode, "/" + relative);
                } catch (IOException | RuntimeException e) {
                    // a cgroup removed during the walk: nothing to map
                }
            });
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 tree here: every id stays unknown
        }
    }
}
