package dev.kiroku.cli;

import java.nio.file.Path;

/** Where Kiroku keeps its data by default: var/ under the installation (the launcher passes kiroku.home). */
final class Home {
    private Home() {
    }

    static Path dataDirectory() {
        String home = System.getProperty("kiroku.home");
        return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().resolve("var");
    }

    static String hostName() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
