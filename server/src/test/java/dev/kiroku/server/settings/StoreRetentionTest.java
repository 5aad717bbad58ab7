package dev.kiroku.server.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The store retention set over REST by an admin: validated, applied by the store at once, kept across a restart. */
class StoreRetentionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/api/v1/settings/retention";

    @Test
    void anAdminChangesTheRetentionWhichTheStoreAppliesAndARestartKeeps(@TempDir Path directory) throws Exception {
        ServerConfig config = new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30));
        String admin;
        try (KirokuServer server = new KirokuServer(config, InstantSource.system()).start()) {
            admin = basic(Files.readString(server.credentialsFile()).trim());
            JsonNode initial = JSON.readTree(send(server, "GET", PATH, null, admin).body());
            assertThat(initial.path("retention_days").asLong()).isEqualTo(30);
            assertThat(initial.path("source").asText()).isEqualTo("start option");

            // an event 3 days old is kept under 30 days, refused once the retention is 2 days
            assertThat(server.store().append(List.of(event(1, Instant.now().minus(Duration.ofDays(3))))).rejected()).isEmpty();
            HttpResponse<String> changed = send(server, "PUT", PATH, "{\"retention_days\": 2}", admin);
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(changed.body()).path("retention_days").asLong()).isEqualTo(2);
            assertThat(server.store().append(List.of(event(2, Instant.now().minus(Duration.ofDays(3))))).rejected())
                    .singleElement().satisfies(r -> assertThat(r.reason()).contains("older than the retention period"));

            for (String bad : List.of("{\"retention_days\": 0}", "{\"retention_days\": \"ten\"}", "{\"retention\": \"36h\"}", "[]", "nope")) {
                HttpResponse<String> refused = send(server, "PUT", PATH, bad, admin);
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).path("error").asText()).as(bad).containsAnyOf("retention", "JSON");
            }
            assertThat(JSON.readTree(send(server, "PUT", PATH, "{\"retention_days\": -4}", admin).body()).path("error").asText())
                    .contains("-4");

            for (String role : List.of("viewer", "analyst")) {
                String name = "retention-" + role;
                assertThat(send(server, "POST", "/api/v1/users",
                        "{\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"password\":\"a-long-password-42\"}", admin).statusCode()).isEqualTo(201);
                assertThat(send(server, "PUT", PATH, "{\"retention_days\": 5}", basic(name + ":a-long-password-42")).statusCode())
                        .as(role).isEqualTo(403);
            }
        }
        try (KirokuServer restarted = new KirokuServer(config, InstantSource.system()).start()) {
            JsonNode kept = JSON.readTree(send(restarted, "GET", PATH, null, admin).body());
            assertThat(kept.path("retention_days").asLong()).isEqualTo(2);
            assertThat(kept.path("source").asText()).isEqualTo("settings");
            assertThat(kept.path("start_option_days").asLong()).isEqualTo(30);
        }
    }

    private static Event event(long sequence, Instant time) {
        ProcessInfo process = new ProcessInfo("e-" + sequence, 4000 + (int) sequence, time, null, "/usr/bin/true", List.of("true"), "/",
                null, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
        return new Event("agent-retention", sequence, time, "host-retention", List.of(), new ProcessStart(process, false));
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(KirokuServer server, String method, String path, String body, String authorization)
            throws Exception {
        HttpClient http = ServerTrust.httpClient(server.caCertificate()).build();
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
