package dev.kiroku.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** A {@code user:password} file (as the server writes for its first admin) turned into an HTTP Basic header. */
public final class CredentialsFile {
    private CredentialsFile() {
    }

    /** The Authorization header value, or null when the file is absent or unreadable. */
    public static String authorization(Path file) {
        try {
            if (file == null || !Files.isReadable(file)) return null;
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }
}
