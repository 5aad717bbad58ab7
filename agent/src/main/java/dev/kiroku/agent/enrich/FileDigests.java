package dev.kiroku.agent.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MD5, SHA-1 and SHA-256 of a file in one read: the SHA-256 is Kiroku's identity of a file, MD5 and SHA-1 are what
 * most shared indicator lists and OpenIOC files carry. Reuses its digests and buffer: one instance per thread.
 */
public final class FileDigests {
    /** The three digests of one file, lower-case hex. */
    public record Digests(String md5, String sha1, String sha256) {
    }

    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha1 = digest("SHA-1");
    private final MessageDigest sha256 = digest("SHA-256");
    private final byte[] buffer = new byte[1 << 16];

    /** Reads the file once (not following a final symbolic link when {@code options} say so) and digests it. */
    public Digests of(Path file, LinkOption... options) throws IOException {
        md5.reset();
        sha1.reset();
        sha256.reset();
        try (InputStream in = Files.newInputStream(file, options)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
                sha1.update(buffer, 0, n);
                sha256.update(buffer, 0, n);
            }
        }
        HexFormat hex = HexFormat.of();
        return new Digests(hex.formatHex(md5.digest()), hex.formatHex(sha1.digest()), hex.formatHex(sha256.digest()));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
