package dev.kiroku.investigate.inventory;

import java.nio.file.Path;
import java.util.List;

/** Where executables and scripts live or get dropped: the places the inventory covers. */
public final class ExecutableLocations {
    /** Directories the agent-side scanner walks by default. */
    public static final List<Path> SCAN_ROOTS = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/usr/local/bin"),
            Path.of("/usr/local/sbin"), Path.of("/opt"), Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"),
            Path.of("/home"), Path.of("/root"));

    private static final List<String> SCRIPT_EXTENSIONS = List.of(".sh", ".bash", ".py", ".pl", ".rb", ".php", ".js", ".elf",
            ".bin", ".run", ".appimage");

    private ExecutableLocations() {
    }

    /** True when a file written at this path is worth an inventory entry: under a scan root, or a script by name. */
    public static boolean covers(String path) {
        if (path == null || path.isEmpty()) return false;
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        for (String ext : SCRIPT_EXTENSIONS) if (lower.endsWith(ext)) return true;
        for (Path root : SCAN_ROOTS) {
            String r = root.toString();
            if (path.startsWith(r + "/")) return !inCacheOrHistory(path);
        }
        return false;
    }

    private static boolean inCacheOrHistory(String path) {
        return path.contains("/.cache/") || path.contains("/.git/") || path.contains("/node_modules/") || path.endsWith("_history")
                || path.contains("/.m2/") || path.contains("/.local/share/");
    }
}
