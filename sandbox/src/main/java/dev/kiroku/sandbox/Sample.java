package dev.kiroku.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A submitted file: where its bytes are, the name it was submitted under, its SHA-256 and size.
 */
public record Sample(Path file, String name, String sha256, long size) {

    /** Hashes the file; the name defaults to the file name. */
    public static Sample of(Path file) throws IOException {
        return of(file, file.getFileName().toString());
    }

    public static Sample of(Path file, String name) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new Sample(file, name, HexFormat.of().formatHex(digest.digest()), size);
    }
}
