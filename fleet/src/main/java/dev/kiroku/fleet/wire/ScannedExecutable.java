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
 * One executable or script an agent's inventory scan found: path, SHA-256 (hex), size, and MD5 and SHA-1 when computed.
 * A scan's list travels as one command result, as {@link #encode gzip-compressed lines}
 * {@code sha256[,md5,sha1] TAB size TAB path} in Base64, so a host with tens of thousands of executables still fits in
 * one message. Lines with the SHA-256 alone (agents before MD5/SHA-1) are still read.
 */
public record ScannedExecutable(String path, String sha256, long size, String md5, String sha1) {
    private static final int MAX_DECODED = 64 << 20;
    private static final java.util.regex.Pattern HASHES =
            java.util.regex.Pattern.compile("([0-9a-f]{64})(?:,([0-9a-f]{32}),([0-9a-f]{40}))?");

    /** An executable known by its SHA-256 only. */
    public ScannedExecutable(String path, String sha256, long size) {
        this(path, sha256, size, null, null);
    }

    public static String encode(List<ScannedExecutable> executables) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (ScannedExecutable e : executables) {
                // A path with a tab or line break cannot be told apart from the separators: such names are left out.
                if (e.path.indexOf('\t') >= 0 || e.path.indexOf('\n') >= 0) continue;
                String hashes = e.md5 != null && e.sha1 != null ? e.sha256 + "," + e.md5 + "," + e.sha1 : e.sha256;
                gzip.write((hashes + "\t" + e.size + "\t" + e.path + "\n").getBytes(StandardCharsets.UTF_8));
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
            java.util.regex.Matcher hashes = fields.length == 3 ? HASHES.matcher(fields[0]) : null;
            if (hashes == null || !hashes.matches() || !fields[2].startsWith("/")) {
                throw new IllegalArgumentException("executable list line " + lineNumber + " is not 'sha256[,md5,sha1] TAB size TAB /path'");
            }
            try {
                out.add(new ScannedExecutable(fields[2], hashes.group(1), Long.parseLong(fields[1]), hashes.group(2), hashes.group(3)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("executable list line " + lineNumber + ": size '" + fields[1] + "' is not a number");
            }
        }
        return out;
    }
}
