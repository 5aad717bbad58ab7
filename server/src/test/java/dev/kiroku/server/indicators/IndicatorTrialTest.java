package dev.kiroku.server.indicators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.alerts.AlertQuery;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trying an indicator file on the recorded history before importing it: a real Javalin with the indicator routes, a
 * real Lucene store, real detection and H2. The test finds what an import's retro-hunt would, and leaves no trace.
 */
class IndicatorTrialTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final String DROPPER_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String LIST = """
            # C2 of the campaign
            203.0.113.9
            %s;dropper
            ::::not an indicator::::
            """.formatted(DROPPER_SHA256);

    @TempDir
    Path data;
    LuceneEventStore store;
    Detection detection;
    IndicatorService indicators;
    Javalin app;
    final HttpClient http = HttpClient.newHttpClient();
    final InstantSource clock = () -> NOW;

    @BeforeEach
    void start() throws Exception {
        store = new LuceneEventStore(data.resolve("events"), clock, LuceneStoreOptions.defaults());
        detection = new Detection(data, store, clock);
        indicators = new IndicatorService(data.resolve("indicators"), store, detection, Duration.ofDays(30), clock);
        IndicatorRoutes routes = new IndicatorRoutes(indicators);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            routes.register(config);
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(400).result(String.valueOf(e.getMessage())));
        }).start("127.0.0.1", 0);
        ProcessInfo dropper = process("e-dropper", "/tmp/.x/dropper", DROPPER_SHA256);
        ProcessInfo curl = process("e-curl", "/usr/bin/curl", null);
        store.append(List.of(
                new Event("agent-1", 1, NOW.minus(Duration.ofHours(3)), "web-01", List.of(), new ProcessStart(dropper, false)),
                new Event("agent-1", 2, NOW.minus(Duration.ofHours(2)), "web-01", List.of(),
                        new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.5", 40000, "203.0.113.9", 443, true, dropper)),
                new Event("agent-1", 3, NOW.minus(Duration.ofMinutes(20)), "web-01", List.of(),
                        new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.5", 40001, "198.51.100.1", 443, true, curl)),
                new Event("agent-1", 4, NOW.minus(Duration.ofDays(3)), "web-01", List.of(),
                        new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.5", 40002, "203.0.113.9", 80, true, curl))));
        store.commit();
    }

    @AfterEach
    void stop() {
        app.stop();
        indicators.close();
        detection.close();
        store.close();
    }

    @Test
    void aListIsHuntedOverTheWindowWithoutBeingImportedOrAlerting() throws Exception {
        JsonNode day = post("/api/v1/indicators/test?name=campaign.txt&last=24h&limit=1", LIST);
        assertThat(day.path("hits").asInt()).as(day.toString()).isEqualTo(2);
        assertThat(day.path("indicators").asInt()).isEqualTo(2);
        assertThat(day.path("complete").asBoolean()).isTrue();
        assertThat(day.path("events")).hasSize(1);
        JsonNode newest = day.path("events").get(0);
        assertThat(newest.path("indicator").path("value").asText()).isEqualTo("203.0.113.9");
        assertThat(newest.path("event").path("destination.ip").asText()).isEqualTo("203.0.113.9");
        assertThat(day.path("per_indicator").size()).isEqualTo(2);
        assertThat(day.path("problems")).singleElement().satisfies(p -> {
            assertThat(p.path("line").asInt()).isEqualTo(4);
            assertThat(p.path("message").asText()).isNotBlank();
        });
        assertThat(day.path("events_examined").asLong()).as("the hunt reads only candidates").isLessThan(4);

        assertThat(post("/api/v1/indicators/test?name=campaign.txt&last=7d", LIST).path("hits").asInt()).isEqualTo(3);
        assertThat(post("/api/v1/indicators/test?name=campaign.txt&last=1h", LIST).path("hits").asInt()).isZero();

        assertThat(indicators.list()).as("a test stores nothing").isEmpty();
        Thread.sleep(300);
        assertThat(detection.alerts().search(AlertQuery.all(10))).as("a test raises no alert").isEmpty();
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        HttpResponse<String> noName = send("/api/v1/indicators/test?last=24h", LIST);
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(send("/api/v1/indicators/test?name=x.txt&last=soon", LIST).body()).contains("not a duration");
        assertThat(send("/api/v1/indicators/test?name=x.txt&limit=500", LIST).statusCode()).isEqualTo(400);
        HttpResponse<String> junk = send("/api/v1/indicators/test?name=report.ioc&last=24h", "<ioc><broken");
        assertThat(junk.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(junk.body()).path("problems")).isNotEmpty();
    }

    private static ProcessInfo process(String entityId, String executable, String sha256) {
        return new ProcessInfo(entityId, 4242, NOW.minus(Duration.ofDays(4)), null, executable, List.of(executable), "/tmp",
                sha256, new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null, null, null);
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = send(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
