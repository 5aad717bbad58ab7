package dev.kiroku.response.quarantine;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a file for upload to the server: at most {@code maxBytes}, with its SHA-256. A file that
 * is larger (or grows past the limit while being read) is refused rather than truncated, so what
 * the server keeps always matches the hash of a whole file.
 */
public final class FileCollector {
    public static final String ACTION = "collect";

    private final long maxBytes;

    public FileCollector(long maxBytes) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("collect size limit out of range: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The collected file's content and identity. */
    public record CollectedFile(Path path, long size, String sha256, byte[] content) {
        public InputStream open() {
            return new java.io.ByteArrayInputStream(content);
        }
    }

    /** Reads the file; throws with a message naming the path and the problem. */
    public CollectedFile read(Path path) throws IOException {
        if (!path.isAbsolute()) {
            throw new IOException(path + ": path must be absolute");
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(path + (Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? ": not a regular file" : ": no such file"));
        }
        long size = Files.size(path);
        if (size > maxBytes) {
            throw new IOException(path + ": " + size + " bytes exceeds the collection limit of " + maxBytes);
        }
        MessageDigest sha = Sha256.digest();
        byte[] content;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            content = in.readNBytes((int) maxBytes + 1);
        }
        if (content.length > maxBytes) {
            throw new IOException(path + ": grew past the collection limit of " + maxBytes + " bytes while being read");
        }
        sha.update(content);
        return new CollectedFile(path, content.length, Sha256.hex(sha.digest()), content);
    }

    /** {@link #read} as an action result; the content travels Base64-encoded in {@code data.content_base64}. */
    public ActionResult collect(Path path) {
        try {
            CollectedFile f = read(path);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("sha256", f.sha256());
            data.put("size", f.size());
            data.put("content_base64", Base64.getEncoder().encodeToString(f.content()));
            return ActionResult.done(ACTION, path.toString(), "collected " + f.size() + " bytes", data);
        } catch (IOException e) {
            return ActionResult.failed(ACTION, path.toString(), e.getMessage());
        }
    }
}
