package dev.kiroku.sandbox.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.Analyzer;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An external sandbox behind the Cuckoo/CAPE REST API as an {@link Analyzer}: uploads the sample
 * ({@code POST /tasks/create/file}, multipart field {@code file}), polls {@code GET /tasks/view/{id}}
 * until the task is {@code reported}, and maps {@code GET /tasks/report/{id}}: each signature
 * becomes a reason {@code external.<name>} (weight 10 per severity point, at most 40), and the
 * service's score (0–10) is kept as a note. A service that fails, refuses the file or does not
 * finish in time gives a report line saying so, never an exception.
 */
public final class CuckooStyleAnalyzer implements Analyzer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Duration pollInterval;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final InstantSource clock;

    /** @param base the service's API root ("http://cape:8000/apiv1"); routes are resolved below it */
    public CuckooStyleAnalyzer(URI base, Duration pollInterval, Duration timeout, InstantSource clock) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        this.pollInterval = pollInterval;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "cuckoo-style " + base.getHost() + ":" + base.getPort();
    }

    @Override
    public Report analyze(Sample sample, AnalysisOptions options) throws InterruptedException {
        try {
            long task = submit(sample);
            long deadline = System.nanoTime() + timeout.toNanos();
            String status;
            while (!(status = get("tasks/view/" + task).path("task").path("status").asText()).equals("reported")) {
                if (status.equals("failed_analysis") || status.equals("failed_processing"))
                    return failed(sample, "the service says task " + task + " " + status.replace('_', ' '));
                if (System.nanoTime() > deadline)
                    return failed(sample, "task " + task + " not reported within " + timeout.toSeconds() + " s (last status '" + status + "')");
                Thread.sleep(pollInterval.toMillis());
            }
            return map(sample, task, get("tasks/report/" + task));
        } catch (IOException e) {
            return failed(sample, e.getMessage());
        }
    }

    private Report map(Sample sample, long task, JsonNode report) {
        List<Reason> reasons = new ArrayList<>();
        for (JsonNode signature : report.path("signatures")) {
            String name = signature.path("name").asText("unnamed");
            int weight = (int) Math.clamp(signature.path("severity").asLong(1) * 10, 0, 40);
            reasons.add(new Reason("external." + name, weight, signature.path("description").asText(name), "task " + task + " at " + base));
        }
        reasons.add(Reason.note("external.score", "the service scored the file " + report.path("info").path("score").asDouble() + " of 10",
                "task " + task + " at " + base));
        return Report.scored(sample, name(), clock.instant(), reasons, null, null);
    }

    private Report failed(Sample sample, String why) {
        return Report.scored(sample, name(), clock.instant(), List.of(Reason.note("external.failed",
                "the external sandbox gave no result: " + why, base.toString())), null, null);
    }

    private long submit(Sample sample) throws IOException, InterruptedException {
        String boundary = "kiroku-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + sample.name().replaceAll("[\"\\r\\n\\\\]", "_") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(sample.file()));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("tasks/create/file")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        JsonNode answer = send(request);
        JsonNode id = answer.has("task_id") ? answer.path("task_id") : answer.path("task_ids").path(0);
        if (!id.canConvertToLong()) throw new IOException("the service answered the upload without a task id: " + answer);
        return id.asLong();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(200, response.body().length())));
        return JSON.readTree(response.body());
    }
}
