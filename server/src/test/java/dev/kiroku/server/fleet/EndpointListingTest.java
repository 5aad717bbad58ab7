package dev.kiroku.server.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import dev.kiroku.server.api.ServerTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoints list pages and filters on the server, so the console's Endpoints page stays quick with 1,000 endpoints,
 * and one endpoint is read alone. A real server; the endpoints are enrolled in its real state store.
 */
class EndpointListingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void endpointsArePagedAndFilteredOnTheServer(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start()) {
            var state = server.fleet().state();
            Instant now = Instant.now();
            for (int i = 0; i < 30; i++) {
                String agent = String.format("agent-%02d", i);
                state.enrol(agent, String.format("host-%02d", i), "default", "serial-" + i, now.minusSeconds(3600));
                Map<String, Object> inventory = Map.of("osName", i % 3 == 0 ? "Fedora" : "Debian",
                        "isolation", i == 7 ? "isolated" : "not isolated", "losses", Map.of("fanotify", i == 11 ? 5 : 0));
                state.heartbeat(agent, JSON.writeValueAsString(inventory), i < 25 ? now : now.minus(Duration.ofHours(1)));
            }
            HttpClient http = ServerTrust.httpClient(server.caCertificate()).build();
            String authorization = "Basic " + Base64.getEncoder().encodeToString(
                    Files.readString(server.credentialsFile()).trim().getBytes(StandardCharsets.UTF_8));
            var get = (java.util.function.Function<String, HttpResponse<String>>) path -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", authorization).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };

            JsonNode all = JSON.readTree(get.apply("/api/v1/endpoints").body());
            assertThat(all.path("endpoints")).hasSize(30);
            assertThat(all.path("total").asInt()).isEqualTo(30);

            JsonNode second = JSON.readTree(get.apply("/api/v1/endpoints?limit=10&offset=10").body());
            assertThat(second.path("total").asInt()).isEqualTo(30);
            assertThat(second.path("endpoints")).hasSize(10);
            assertThat(second.path("endpoints").get(0).path("hostName").asText()).isEqualTo("host-10");

            JsonNode fedora = JSON.readTree(get.apply("/api/v1/endpoints?q=FEDORA&limit=3").body());
            assertThat(fedora.path("total").asInt()).isEqualTo(10);
            assertThat(fedora.path("endpoints")).hasSize(3);
            assertThat(JSON.readTree(get.apply("/api/v1/endpoints?q=host-2").body()).path("total").asInt()).isEqualTo(10);
            assertThat(JSON.readTree(get.apply("/api/v1/endpoints?status=offline").body()).path("total").asInt()).isEqualTo(5);
            assertThat(JSON.readTree(get.apply("/api/v1/endpoints?status=isolated").body()).path("endpoints").get(0).path("agentId").asText())
                    .isEqualTo("agent-07");
            assertThat(JSON.readTree(get.apply("/api/v1/endpoints?status=loss").body()).path("endpoints").get(0).path("agentId").asText())
                    .isEqualTo("agent-11");

            JsonNode one = JSON.readTree(get.apply("/api/v1/endpoints/agent-07").body());
            assertThat(one.path("hostName").asText()).isEqualTo("host-07");
            assertThat(one.path("status").asText()).isEqualTo("online");
            assertThat(get.apply("/api/v1/endpoints/agent-99").statusCode()).isEqualTo(404);
            HttpResponse<String> badStatus = get.apply("/api/v1/endpoints?status=sleeping");
            assertThat(badStatus.statusCode()).isEqualTo(400);
            assertThat(badStatus.body()).contains("online, offline");
            assertThat(get.apply("/api/v1/endpoints?limit=0").statusCode()).isEqualTo(400);
        }
    }
}
