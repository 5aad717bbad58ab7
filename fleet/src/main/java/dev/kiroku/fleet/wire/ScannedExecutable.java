package dev.kiroku.fleet.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One executable or script an agent's inventory scan found: path, SHA-256 (hex) and size. A scan's list travels as
 * one command result, as {@link #encode gzip-compressed lines} {@code sha256 TAB size TAB path} in Base64, so a
 * host with tens of thousands of executables still fits in one message.
 */
public record ScannedExecutable(String path, String sha256, long size) {
    private static final int MAX_DECODED = 64 << 20;

    public static String encode(List<ScannedExecutable> executables) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (ScannedExecutable e : executables) {
                // A path with a tab or line break cannot be told apart from the separators: such names are left out.
                if (e.path.indexOf('\t') >= 0 || e.path.indexOf('\n') >= 0) continue;
                gzip.write((e.sha256 + "\t" + e.size + "\t" + e.path + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Reads an encoded list; a malformed line is refused with its number. */
    public static List<ScannedExecutable> decode(String encoded) {
        byte[] text;
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
            text = gzip.readNBytes(MAX_DECODED + 1);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("executable list is not gzip in Base64: " + e.getMessage(), e);
        }
        if (text.length > MAX_DECODED) throw new IllegalArgumentException("executable list is larger than " + MAX_DECODED + " bytes");
        List<ScannedExecutable> out = new ArrayList<>();
        int lineNumber = 0;
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            lineNumber++;
            if (line.isEmpty()) continue;
            String[] fields = line.split("\t", 3);
            if (fields.length != 3 || !fields[0].matches("[0-9a-f]{64}") || !fields[2].startsWith("/")) {
                throw new IllegalArgumentException("executable list line " + lineNumber + " is not 'sha256 TAB size TAB /path'");
            }
            try {
                out.add(new ScannedExecutable(fields[2], fields[0], Long.parseLong(fields[1])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("executable list line " + lineNumber + ": size '" + fields[1] + "' is not a number");
            }
        }
        return out;
    }
}
