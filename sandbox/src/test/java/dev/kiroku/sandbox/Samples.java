package dev.kiroku.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test samples under src/test/resources/samples, copied to a temp dir for submission. */
final class Samples {
    private Samples() {
    }

    static Path copy(String name, Path dir) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) throw new IllegalArgumentException("no sample " + name);
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
