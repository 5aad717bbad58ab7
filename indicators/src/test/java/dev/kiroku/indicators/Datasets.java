package dev.kiroku.indicators;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared third-party test data ({@code ../shared/datasets}); tests skip with a message when absent. */
public final class Datasets {
    private Datasets() {
    }

    public static Path root() {
        String configured = System.getProperty("kiroku.datasets");
        Path root = configured != null ? Path.of(configured) : Path.of("../../shared/datasets");
        Assumptions.assumeTrue(Files.isDirectory(root), "shared datasets absent at " + root.toAbsolutePath() + ": skipped");
        return root;
    }

    public static Path openIoc() {
        return root().resolve("openioc");
    }

    public static Path signatureBaseIocs() {
        Path dir = root().resolve("yara/Neo23x0+signature-base/iocs");
        Assumptions.assumeTrue(Files.isDirectory(dir), "signature-base iocs absent at " + dir + ": skipped");
        return dir;
    }

    /** Every .ioc file under the OpenIOC dataset, sorted. */
    public static List<Path> openIocFiles() {
        try (Stream<Path> files = Files.walk(openIoc())) {
            return files.filter(p -> p.toString().endsWith(".ioc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
