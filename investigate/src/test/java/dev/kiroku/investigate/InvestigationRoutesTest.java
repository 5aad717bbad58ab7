package dev.kiroku.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.investigate.api.InvestigationJson;
import dev.kiroku.investigate.api.InvestigationRoutes;
import dev.kiroku.investigate.incident.IncidentRepository;
import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.investigate.workflow.AlertRef;
import io.javalin.Javalin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST routes in a real Javalin over the two-host intrusion, called over HTTP. */
class InvestigationRoutesTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return InvestigationJson.mapper().readTree(r.body());
    }

    @Test
    void theFourStepsGraphsAndIncidentsOverHttp(@TempDir Path dir) throws Exception {
        try (Intrusion intrusion = new Intrusion(dir)) {
            Incidents incidents = new Incidents(new IncidentRepository(intrusion.database, InstantSource.system()), intrusion.investigator,
                    intrusion.inventory);
            AlertRef beacon = new AlertRef("41", "c2_beacon", "C2 beacon", "high", "agent-a", "web-1", intrusion.implant.id(),
                    Intrusion.T0.plusSeconds(14), List.of());
            InvestigationRoutes routes = new InvestigationRoutes(intrusion.investigator, incidents,
                    id -> id.equals("41") ? Optional.of(beacon) : Optional.empty());
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                routes.register(config);
            }).start("127.0.0.1", 0);
            try {
                base = "http://127.0.0.1:" + app.port();
                HttpResponse<String> ip = get("/api/v1/investigate/ip/203.0.113.5");
                assertThat(ip.statusCode()).isEqualTo(200);
                JsonNode inv = json(ip);
                assertThat(inv.path("contacts").get(0).path("host_name").asText()).isEqualTo("web-1");
                assertThat(inv.path("chains").get(0).path("chain").get(0).path("origins").get(0).path("writer").path("download").get(0)
                        .path("remote_address").asText()).isEqualTo("198.51.100.7");

                HttpResponse<String> text = get("/api/v1/investigate/ip/203.0.113.5?format=text");
                assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                assertThat(text.body()).contains("download origin: 198.51.100.7:80");
                assertThat(json(get("/api/v1/investigate/ip/203.0.113.5?format=text&envelope=json")).path("content").asText())
                        .isEqualTo(text.body());

                assertThat(json(get("/api/v1/investigate/ip/192.0.2.1")).path("answers").get(0).asText())
                        .isEqualTo("1. No endpoint contacted 192.0.2.1 in the retention window.");
                HttpResponse<String> bad = get("/api/v1/investigate/ip/not-an-ip");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(json(bad).path("error").asText()).contains("not an IP address");
                assertThat(get("/api/v1/investigate/alert/99").statusCode()).isEqualTo(404);
                assertThat(json(get("/api/v1/investigate/alert/41")).path("contacts").get(0).path("relation").asText()).contains("c2_beacon");
                assertThat(get("/api/v1/investigate/file?name=implant").statusCode()).isEqualTo(200);
                assertThat(json(get("/api/v1/investigate/hash/" + Intrusion.IMPLANT_SHA)).path("scope").get(0).path("endpoints").size()).isEqualTo(2);

                JsonNode ancestors = json(get("/api/v1/investigate/graph/" + intrusion.implant.id() + "/ancestors"));
                assertThat(ancestors.path("processes").size()).isEqualTo(3);
                assertThat(ancestors.path("boundary").asText()).isEqualTo("sshd session");
                JsonNode cut = json(get("/api/v1/investigate/graph/" + intrusion.webShell.id() + "/descendants?max_children=3&window=2h"));
                assertThat(cut.path("cuts").toString()).contains("3 of its children followed");
                assertThat(get("/api/v1/investigate/graph/nope/rootcause").statusCode()).isEqualTo(404);
                assertThat(json(get("/api/v1/investigate/graph/x/descendants?edges=spawned,flew")).path("error").asText()).contains("unknown edge kind 'flew'");

                String alertJson = InvestigationJson.mapper().writeValueAsString(beacon);
                HttpResponse<String> created = post("/api/v1/incidents", alertJson);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                long id = json(created).path("id").asLong();
                assertThat(post("/api/v1/incidents/" + id + "/status", "{\"status\":\"investigating\"}").statusCode()).isEqualTo(200);
                assertThat(post("/api/v1/incidents/" + id + "/status", "{\"status\":\"done\"}").statusCode()).isEqualTo(400);
                assertThat(post("/api/v1/incidents/" + id + "/notes", "{\"author\":\"mika\",\"text\":\"looking\"}").statusCode()).isEqualTo(201);
                assertThat(post("/api/v1/incidents/" + id + "/actions", "{\"action\":\"isolate_host\",\"agent_id\":\"agent-a\",\"outcome\":\"done\"}")
                        .statusCode()).isEqualTo(201);
                assertThat(json(get("/api/v1/incidents/" + id + "/indicators")).path("indicators").toString()).contains("203.0.113.5");
                assertThat(json(get("/api/v1/incidents/" + id + "/timeline")).path("timeline").size()).isPositive();
                HttpResponse<String> refused = post("/api/v1/incidents/" + id + "/close", "{\"root_cause\":\"x\"}");
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(json(refused).path("error").asText()).contains("needs a scope");
                HttpResponse<String> closed = post("/api/v1/incidents/" + id + "/close",
                        InvestigationJson.mapper().writeValueAsString(Map.of("root_cause", "curl download", "scope", "web-1, app-2 dormant")));
                assertThat(closed.statusCode()).isEqualTo(200);
                assertThat(json(closed).path("status").asText()).isEqualTo("CLOSED");
                assertThat(post("/api/v1/incidents/" + id + "/close", "{\"root_cause\":\"x\",\"scope\":\"y\"}").statusCode()).isEqualTo(409);
                HttpResponse<String> html = get("/api/v1/incidents/" + id + "/report?format=html");
                assertThat(html.body()).startsWith("<!DOCTYPE html>").contains("curl download");
                assertThat(json(get("/api/v1/incidents?status=closed")).path("incidents").size()).isEqualTo(1);
                assertThat(get("/api/v1/incidents/12345").statusCode()).isEqualTo(404);
            } finally {
                app.stop();
            }
        }
    }
}
