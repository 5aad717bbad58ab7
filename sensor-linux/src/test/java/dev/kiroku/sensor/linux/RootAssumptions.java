package dev.kiroku.sensor.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips kernel tests, with a visible reason, where they cannot run. */
public final class RootAssumptions {
    private RootAssumptions() {
    }

    public static void assumeRootOnLinux() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "kernel test: needs Linux");
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            assumeTrue(false, "kernel test: /proc/self/status unreadable: " + e);
            return;
        }
        boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        assumeTrue(root, "kernel test: needs root (euid 0)");
    }
}
