package dev.kiroku.response;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips kernel tests, with a visible reason, where they cannot run. */
public final class KernelAssumptions {
    private KernelAssumptions() {
    }

    public static void assumeRoot() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "kernel test: needs Linux");
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            assumeTrue(status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0")),
                    "kernel test: needs root");
        } catch (IOException e) {
            assumeTrue(false, "kernel test: /proc/self/status unreadable: " + e);
        }
    }

    public static void assumeNft() {
        assumeRoot();
        assumeTrue(dev.kiroku.response.nft.Nft.locate().toFile().canExecute(), "needs nftables (nft)");
    }
}
