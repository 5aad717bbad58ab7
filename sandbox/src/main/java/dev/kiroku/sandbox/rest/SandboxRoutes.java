package dev.kiroku.sandbox.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.queue.AnalysisQueue;
import dev.kiroku.sandbox.queue.ReportStore;
import dev.kiroku.sandbox.queue.Submission;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox REST API (docs/sandbox.md): submit a sample (the request body is the file), follow
 * its submission, read and search reports. Errors are answered as {@code {"error": ...}} (400 bad
 * request, 404 unknown hash, 413 too large), so it works in any Javalin it is added to.
 */
public final class SandboxRoutes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final AnalysisQueue queue;
    private final Path uploads;
    private final long maxUploadBytes;

    /**
     * @param uploads        where request bodies are written before queueing (removed afterwards)
     * @param maxUploadBytes larger bodies are refused with 413
     */
    public SandboxRoutes(AnalysisQueue queue, Path uploads, long maxUploadBytes) {
        this.queue = queue;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/api/v1/sandbox/samples", guarded(this::submit));
        config.routes.get("/api/v1/sandbox/samples/{sha256}", guarded(this::status));
        config.routes.get("/api/v1/sandbox/reports/{sha256}", guarded(this::report));
        config.routes.get("/api/v1/sandbox/reports", guarded(this::search));
    }

    /** POST body = the file; query: name, detonate (default true), time_limit seconds (default 8), again (default false). */
    private void submit(Context ctx) throws IOException {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) throw new BadRequest("give the file's name as query parameter 'name'");
        boolean detonate = bool(ctx, "detonate", true);
        boolean again = bool(ctx, "again", false);
        int seconds = integer(ctx, "time_limit", 8);
        if (seconds < 1 || seconds > 300) throw new BadRequest("time_limit must be 1..300 seconds, got " + seconds);
        Files.createDirectories(uploads);
        Path upload = Files.createTempFile(uploads, "upload-", ".bin");
        try {
            long size;
            try (InputStream in = ctx.bodyInputStream()) {
                size = copyBounded(in, upload);
            }
            if (size < 0) {
                json(ctx, 413, Map.of("error", "sample larger than " + maxUploadBytes + " bytes"));
                return;
            }
            Submission submission = queue.submit(upload, name, new AnalysisOptions(detonate, Duration.ofSeconds(seconds)), again);
            json(ctx, 202, submission);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private long copyBounded(InputStream in, Path target) throws IOException {
        long total = 0;
        try (var out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxUploadBytes) return -1;
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    private void status(Context ctx) {
        String sha = sha(ctx);
        Submission s = queue.status(sha).orElseThrow(() -> new NotFound("no submission with SHA-256 " + sha));
        json(ctx, 200, s);
    }

    private void report(Context ctx) throws IOException {
        String sha = sha(ctx);
        json(ctx, 200, queue.store().find(sha).orElseThrow(() -> new NotFound("no report for SHA-256 " + sha)));
    }

    /** Query: verdict (high|medium|low|none), min_score, q (name or hash prefix), limit (default 100). */
    private void search(Context ctx) {
        String v = ctx.queryParam("verdict");
        Verdict verdict = null;
        if (v != null && !v.isBlank()) {
            try {
                verdict = Verdict.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("verdict must be high, medium, low or none, got '" + v + "'");
            }
        }
        var found = queue.store().search(new ReportStore.Query(verdict, integer(ctx, "min_score", 0), ctx.queryParam("q"), integer(ctx, "limit", 100)));
        json(ctx, 200, Map.of("reports", found));
    }

    private static String sha(Context ctx) {
        String sha = ctx.pathParam("sha256").toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{64}")) throw new BadRequest("not a SHA-256: '" + ctx.pathParam("sha256") + "'");
        return sha;
    }

    private static boolean bool(Context ctx, String name, boolean fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        throw new BadRequest("'" + name + "' must be true or false, got '" + v + "'");
    }

    private static int integer(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    private static Handler guarded(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (BadRequest e) {
                json(ctx, 400, Map.of("error", e.getMessage()));
            } catch (NotFound e) {
                json(ctx, 404, Map.of("error", e.getMessage()));
            }
        };
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
