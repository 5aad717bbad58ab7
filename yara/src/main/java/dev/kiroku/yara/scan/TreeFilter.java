package dev.kiroku.yara.scan;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what a tree scan visits: include/exclude globs, and directories on pseudo filesystems ({@code /proc},
 * sysfs, devtmpfs, cgroup, ...) which are never descended into.
 */
final class TreeFilter {
    private static final Set<String> PSEUDO_TYPES = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2",
            "debugfs", "tracefs", "securityfs", "bpf", "configfs", "fusectl", "pstore", "mqueue", "hugetlbfs",
            "binfmt_misc", "autofs", "efivarfs", "rpc_pipefs", "nsfs");

    private record Glob(PathMatcher matcher, boolean onName) {
        boolean matches(Path relative) {
            Path target = onName ? relative.getFileName() : relative;
            return target != null && matcher.matches(target);
        }
    }

    private final List<Glob> include;
    private final List<Glob> exclude;
    private final Map<Path, String> pseudoMounts;

    TreeFilter(List<String> include, List<String> exclude) {
        FileSystem fs = FileSystems.getDefault();
        this.include = include.stream().map(g -> glob(fs, g)).toList();
        this.exclude = exclude.stream().map(g -> glob(fs, g)).toList();
        this.pseudoMounts = pseudoMounts();
    }

    private static Glob glob(FileSystem fs, String pattern) {
        try {
            return new Glob(fs.getPathMatcher("glob:" + pattern), !pattern.contains("/"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad glob \"" + pattern + "\": " + e.getMessage(), e);
        }
    }

    /** The filesystem type when {@code dir} is a pseudo filesystem's mount point, else null. */
    String pseudoFilesystem(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        String type = pseudoMounts.get(absolute);
        if (type != null) {
            return "pseudo filesystem (" + type + ")";
        }
        return absolute.equals(Path.of("/proc")) || absolute.equals(Path.of("/sys")) ? "pseudo filesystem" : null;
    }

    boolean excluded(Path relative) {
        return exclude.stream().anyMatch(g -> g.matches(relative));
    }

    boolean included(Path relative) {
        return include.isEmpty() || include.stream().anyMatch(g -> g.matches(relative));
    }

    private static Map<Path, String> pseudoMounts() {
        Map<Path, String> mounts = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && PSEUDO_TYPES.contains(f[2])) {
                    mounts.put(Path.of(f[1].replace("\\040", " ")), f[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Without the mount table, /proc and /sys are still recognised by path.
        }
        return mounts;
    }
}
