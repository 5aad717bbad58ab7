package dev.kiroku.sandbox.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.queue.AnalysisQueue;
import dev.kiroku.sandbox.queue.ReportStore;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The routes in a real Javalin on a free port, with a static-only analyser behind the queue. */
class SandboxRoutesTest {
    @TempDir
    Path dir;
    Javalin app;
    AnalysisQueue queue;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        BuiltInAnalyzer analyzer = new BuiltInAnalyzer(new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()),
                ArchiveLimits.defaults()), null, 1 << 20, InstantSource.system());
        queue = new AnalysisQueue(analyzer, new ReportStore(dir), dir, Duration.ofMinutes(1), InstantSource.system());
        SandboxRoutes routes = new SandboxRoutes(queue, dir.resolve("uploads"), 64 * 1024);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            routes.register(config);
        }).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        queue.close();
    }

    record Answer(int status, JsonNode body) {
    }

    Answer call(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    @Test
    void submitFollowAndSearch() throws Exception {
        byte[] shell;
        try (InputStream in = getClass().getResourceAsStream("/samples/reverse-shell.sh")) {
            shell = in.readAllBytes();
        }
        Answer submitted = call("POST", "/api/v1/sandbox/samples?name=rs.sh&detonate=false", shell);
        assertThat(submitted.status()).isEqualTo(202);
        String sha = submitted.body().path("sha256").asText();
        assertThat(sha).hasSize(64);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/v1/sandbox/samples/" + sha, null).body().path("state").asText().equals("DONE"));
        Answer report = call("GET", "/api/v1/sandbox/reports/" + sha, null);
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body().path("verdict").asText()).isEqualTo("MEDIUM");
        assertThat(report.body().path("reasons").get(0).path("code").asText()).isEqualTo("static.script.reverse_shell");
        Answer found = call("GET", "/api/v1/sandbox/reports?verdict=medium&q=rs", null);
        assertThat(found.body().path("reports")).hasSize(1);
        assertThat(call("POST", "/api/v1/sandbox/samples?name=rs.sh&detonate=false", shell).body().path("state").asText()).isEqualTo("DONE");
    }

    @Test
    void badRequestsAreAnsweredWithTheirReason() throws Exception {
        assertThat(call("POST", "/api/v1/sandbox/samples", "x".getBytes())).satisfies(a -> {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body().path("error").asText()).contains("'name'");
        });
        assertThat(call("POST", "/api/v1/sandbox/samples?name=x&time_limit=9999", "x".getBytes()).body().path("error").asText()).contains("time_limit");
        assertThat(call("POST", "/api/v1/sandbox/samples?name=big", new byte[100_000])).satisfies(a -> {
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body().path("error").asText()).contains("65536");
        });
        assertThat(call("GET", "/api/v1/sandbox/reports/nothex", null).status()).isEqualTo(400);
        assertThat(call("GET", "/api/v1/sandbox/reports/" + "a".repeat(64), null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/sandbox/samples/" + "b".repeat(64), null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/sandbox/reports?verdict=awful", null).body().path("error").asText()).contains("high, medium, low or none");
    }
}
