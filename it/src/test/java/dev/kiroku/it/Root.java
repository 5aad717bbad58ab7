package dev.kiroku.it;

import org.junit.jupiter.api.Assumptions;

/** Kernel sensors need root; tests that need them skip with a visible reason otherwise. */
final class Root {
    private Root() {
    }

    static void required() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root for audit, fanotify and the proc connector (running as " + System.getProperty("user.name") + ")");
    }
}
