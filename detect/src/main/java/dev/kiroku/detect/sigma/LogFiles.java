package dev.kiroku.detect.sigma;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Walks log inputs (JSON files, directories, .zip archives of JSON) and streams their items one by one. */
final class LogFiles {
    /** Receives items; {@code source} is the file, or {@code archive.zip!entry} inside archives. */
    interface Sink {
        /** Returns false to stop reading. */
        boolean item(String source, JsonItems.Item item);
    }

    private LogFiles() {
    }

    static boolean isAuditLog(String name) {
        return name.toLowerCase().endsWith(".log");
    }

    static boolean isJson(String name) {
        String n = name.toLowerCase();
        return n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> isJson(f.toString()) || isAuditLog(f.toString()) || f.toString().toLowerCase().endsWith(".zip"))
                            .sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Streams every item; returns false if the sink stopped early. I/O problems are reported as error items. */
    static boolean read(Path file, Sink sink) {
        String name = file.toString();
        if (name.toLowerCase().endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    if (e.isDirectory() || !isJson(e.getName())) continue;
                    if (!items(name + "!" + e.getName(), new NonClosing(zip), sink)) return false;
                }
            } catch (IOException e) {
                return sink.item(name, new JsonItems.Item(0, 0, null, "cannot read archive: " + e.getMessage()));
            }
            return true;
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            if (startsLikeAuditLog(in)) return AuditLogItems.read(name, new InputStreamReader(in, StandardCharsets.UTF_8), sink);
            return items(name, in, sink);
        } catch (IOException e) {
            return sink.item(name, new JsonItems.Item(0, 0, null, "cannot read: " + e.getMessage()));
        }
    }

    /** Peeks at the start of a stream: raw audit logs start with "type=" or "node=". */
    private static boolean startsLikeAuditLog(InputStream in) throws IOException {
        in.mark(64);
        byte[] head = in.readNBytes(64);
        in.reset();
        return AuditLogItems.isAuditLine(new String(head, StandardCharsets.UTF_8));
    }

    private static boolean items(String source, InputStream in, Sink sink) {
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        JsonItems items = new JsonItems(r);
        while (items.hasNext()) {
            if (!sink.item(source, items.next())) return false;
        }
        return true;
    }

    /** Lets a reader over one zip entry be dropped without closing the archive. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
