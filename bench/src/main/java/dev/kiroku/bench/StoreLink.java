package dev.kiroku.bench;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts an existing event store (a directory with {@code events/}, and optionally {@code investigation/}, as {@code
 * bench investigate} leaves it) into a server's data directory without writing to the original: the store's files are
 * hard-linked (Lucene never rewrites a file it wrote; a merge only deletes the link), or copied across file systems;
 * the investigation database is copied, since H2 writes in place. A 10 M-event store links in well under a second.
 */
final class StoreLink {
    /** What was put in place: files, how many of them had to be copied, and their bytes. */
    record Linked(long files, long copied, long bytes) {
    }

    private StoreLink() {
    }

    static Linked into(Path store, Path data) throws IOException {
        Path events = store.resolve("events");
        if (!Files.isDirectory(events)) {
            throw new IllegalArgumentException("--store " + store + ": no events/ directory there (give the directory bench investigate built, "
                    + "e.g. investigate-fleet-10000000-1000)");
        }
        long[] counts = new long[3];
        link(events, data.resolve("events"), true, counts);
        Path investigation = store.resolve("investigation");
        if (Files.isDirectory(investigation)) link(investigation, data.resolve("investigation"), false, counts);
        return new Linked(counts[0], counts[1], counts[2]);
    }

    private static void link(Path from, Path to, boolean hardLinks, long[] counts) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("write.lock")).toList();
        }
        for (Path file : files) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            boolean linked = false;
            if (hardLinks) {
                try {
                    Files.createLink(target, file);
                    linked = true;
                } catch (FileSystemException | UnsupportedOperationException e) {
                    // another file system: copy
                }
            }
            if (!linked) {
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                counts[1]++;
            }
            counts[0]++;
            counts[2] += Files.size(file);
        }
    }
}
