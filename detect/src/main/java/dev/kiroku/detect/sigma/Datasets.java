package dev.kiroku.detect.sigma;

import java.nio.file.Path;

/** Where the reference datasets live: system property {@code kiroku.datasets}, else {@code ../shared/datasets}. */
public final class Datasets {
    private Datasets() {
    }

    public static Path root() {
        String p = System.getProperty("kiroku.datasets");
        return Path.of(p != null && !p.isBlank() ? p : "../shared/datasets").toAbsolutePath().normalize();
    }
}
