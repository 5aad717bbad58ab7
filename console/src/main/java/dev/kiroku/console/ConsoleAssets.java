package dev.kiroku.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web console (a single-page application of plain HTML, CSS and JavaScript modules in this jar) at
 * {@code /console/}; {@code /} redirects there. Only names made of safe characters are looked up, so a request
 * can never reach outside the console's resource folder.
 */
public final class ConsoleAssets {
    static final String ROOT = "/dev/kiroku/console/static/";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** Adds the console's routes to a Javalin configuration. */
    public void register(JavalinConfig config) {
        config.routes.get("/", ctx -> ctx.redirect("/console/"));
        config.routes.get("/console/", ctx -> serve(ctx, "index.html"));
        config.routes.get("/console/<path>", ctx -> serve(ctx, ctx.pathParam("path")));
    }

    /** A console file's bytes and their entity tag, read once from the jar. */
    private record Asset(byte[] content, String etag) {
    }

    private final Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();

    private void serve(Context ctx, String name) {
        Optional<Asset> asset = assets.computeIfAbsent(name, n -> read(n).map(bytes -> new Asset(bytes, etag(bytes))));
        if (asset.isEmpty()) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no console file " + name);
            return;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        ctx.contentType(TYPES.getOrDefault(extension, "application/octet-stream"))
                // Always revalidated, so an upgraded server's pages stay consistent; the entity tag makes that a 304.
                .header("Cache-Control", "no-cache")
                .header("ETag", asset.get().etag())
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'");
        if (asset.get().etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.result(asset.get().content());
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of a console file, or empty when the name is unsafe or no such file exists. */
    static Optional<byte[]> read(String name) {
        if (!SAFE_NAME.matcher(name).matches()) return Optional.empty();
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(ROOT + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading console file " + name, e);
        }
    }
}
