package dev.kiroku.server.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.queue.AnalysisQueue;
import dev.kiroku.sandbox.queue.Submission;
import dev.kiroku.server.fleet.Fleet;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Files collected from endpoints, sent to the sandbox: the files a finished {@code collect} command brought back (each
 * result's {@code data.content_base64}, checked against its {@code sha256}) are submitted to the analysis queue, on
 * an analyst's request ({@code POST /api/v1/sandbox/collected/{command}}) or by themselves once a response policy's
 * {@code analyze_file} action has collected them.
 */
public final class CollectedSamples implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINISHED = Set.of("succeeded", "failed", "expired");

    private final Fleet fleet;
    private final AnalysisQueue queue;
    private final Path uploads;
    private final Set<String> awaited = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiroku-collected-samples").daemon().factory());

    public CollectedSamples(Fleet fleet, AnalysisQueue queue, Path uploads) throws IOException {
        this.fleet = fleet;
        this.queue = queue;
        this.uploads = Files.createDirectories(uploads);
        poller.scheduleWithFixedDelay(this::submitFinished, 1, 1, TimeUnit.SECONDS);
    }

    /** {@code POST /api/v1/sandbox/collected/{command}}: submits the files a finished collect command brought back. */
    public void register(JavalinConfig config) {
        config.routes.post("/api/v1/sandbox/collected/{command}", this::submitRequest);
    }

    private void submitRequest(Context ctx) throws IOException {
        String command = ctx.pathParam("command");
        int status;
        Object body;
        try {
            body = Map.of("command", command, "submitted", submit(command));
            status = 200;
        } catch (IllegalArgumentException e) {
            body = Map.of("error", e.getMessage());
            status = e.getMessage().startsWith("no command") ? 404 : 400;
        }
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
    }

    /** Submits the command's collected files once every endpoint it went to has answered (or it expired). */
    public void analyzeWhenCollected(String commandId) {
        awaited.add(commandId);
    }

    /**
     * Submits every file the collect command brought back; returns one line per file (its name, endpoint, hash and
     * submission state, or why it was not submitted).
     *
     * @throws IllegalArgumentException when there is no such command or it is not a collect command
     */
    public List<Map<String, Object>> submit(String commandId) throws IOException {
        List<Map<String, Object>> deliveries = fleet.commands(commandId, 1000);
        if (deliveries.isEmpty()) throw new IllegalArgumentException("no command " + commandId);
        if (!"collect".equals(deliveries.getFirst().get("type"))) {
            throw new IllegalArgumentException("command " + commandId + " is a " + deliveries.getFirst().get("type")
                    + " command, not a collect command");
        }
        List<Map<String, Object>> submitted = new ArrayList<>();
        for (Map<String, Object> delivery : deliveries) {
            String agent = String.valueOf(delivery.get("agentId"));
            if (!"succeeded".equals(delivery.get("state")) && !"failed".equals(delivery.get("state"))) {
                submitted.add(line(agent, null, null, "not collected yet: the command is " + delivery.get("state") + " on this endpoint"));
                continue;
            }
            for (JsonNode result : results(delivery.get("output"))) {
                submitted.add(submitOne(agent, result));
            }
        }
        return submitted;
    }

    private Map<String, Object> submitOne(String agent, JsonNode result) throws IOException {
        String target = result.path("target").asText();
        JsonNode data = result.path("data");
        if (!data.hasNonNull("content_base64")) {
            return line(agent, target, null, "nothing collected: " + result.path("outcome").asText() + " " + result.path("detail").asText());
        }
        byte[] content;
        try {
            content = Base64.getDecoder().decode(data.path("content_base64").asText());
        } catch (IllegalArgumentException e) {
            return line(agent, target, null, "not submitted: the collected content is not valid base64");
        }
        String sha256 = sha256(content);
        if (data.hasNonNull("sha256") && !data.path("sha256").asText().equalsIgnoreCase(sha256)) {
            return line(agent, target, sha256, "not submitted: the content's SHA-256 differs from the one the agent reported ("
                    + data.path("sha256").asText() + ")");
        }
        Path upload = Files.createTempFile(uploads, "collected-", ".bin");
        try {
            Files.write(upload, content);
            String name = target.substring(target.lastIndexOf('/') + 1);
            Submission submission = queue.submit(upload, name.isEmpty() ? "collected" : name, AnalysisOptions.defaults(), false);
            return line(agent, target, submission.sha256(), submission.state().name());
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private void submitFinished() {
        for (String commandId : awaited) {
            try {
                List<Map<String, Object>> deliveries = fleet.commands(commandId, 1000);
                if (deliveries.isEmpty() || deliveries.stream().allMatch(d -> FINISHED.contains(String.valueOf(d.get("state"))))) {
                    awaited.remove(commandId);
                    if (!deliveries.isEmpty()) submit(commandId);
                }
            } catch (IOException | RuntimeException e) {
                awaited.remove(commandId);
                System.err.println("kiroku sandbox: could not submit the files of collect command " + commandId + ": " + e);
            }
        }
    }

    private static List<JsonNode> results(Object output) {
        if (output == null) return List.of();
        try {
            JsonNode parsed = JSON.readTree(String.valueOf(output));
            List<JsonNode> results = new ArrayList<>();
            (parsed.isArray() ? parsed : parsed.path("results")).forEach(results::add);
            return results;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Map<String, Object> line(String agent, String target, String sha256, String state) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("agent_id", agent);
        line.put("path", target);
        line.put("sha256", sha256);
        line.put("state", state);
        return line;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
