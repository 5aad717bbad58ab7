package dev.kiroku.indicators;

import dev.kiroku.indicators.lists.PlainListReader;
import dev.kiroku.indicators.openioc.OpenIocParser;
import dev.kiroku.indicators.stix.StixBundleReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads any indicator file, whatever its format: XML ({@code <} first) is OpenIOC, JSON ({@code {} or
 * {@code [} first) is STIX 2.1, anything else a plain or signature-base list. This is the entry point
 * for imports ({@code ./kiroku ioc import}) and {@code ioc lint}.
 */
public final class IndicatorFiles {
    /** Inputs larger than this are refused before reading. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private IndicatorFiles() {
    }

    /** Reads one file; never throws for bad content (a refused result says why). */
    public static ImportResult read(Path file) {
        String origin = file.toString();
        try {
            if (!Files.isRegularFile(file)) return ImportResult.refused(origin, 0, "not a regular file");
            long size = Files.size(file);
            if (size > MAX_BYTES) return ImportResult.refused(origin, 0, "file is " + size + " bytes, more than the limit of " + MAX_BYTES);
            return read(origin, Files.readAllBytes(file));
        } catch (IOException e) {
            return ImportResult.refused(origin, 0, "cannot read: " + e.getMessage());
        }
    }

    /** Reads content that came from {@code origin} (a file name, an upload). */
    public static ImportResult read(String origin, byte[] content) {
        return switch (firstSignificant(content)) {
            case '<' -> new OpenIocParser().parse(origin, content);
            case '{', '[' -> new StixBundleReader().read(origin, content);
            case 0 -> ImportResult.refused(origin, 0, "empty file");
            default -> new PlainListReader().read(Path.of(origin),
                    Arrays.asList(new String(content, StandardCharsets.UTF_8).split("\\R", -1)));
        };
    }

    /** Extensions of indicator files taken from directories (files named explicitly are always read). */
    private static final java.util.Set<String> EXTENSIONS = java.util.Set.of("ioc", "xml", "json", "stix", "txt", "csv", "list");

    /** The files under the paths: files as given, directories walked (sorted) for indicator file extensions. */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(IndicatorFiles::indicatorExtension).sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean indicatorExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    private static char firstSignificant(byte[] content) {
        int i = 0;
        if (content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB && (content[2] & 0xff) == 0xBF) i = 3;
        for (; i < content.length; i++) {
            char c = (char) (content[i] & 0xff);
            if (!Character.isWhitespace(c)) return c;
        }
        return 0;
    }
}
