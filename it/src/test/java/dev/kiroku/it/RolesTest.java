package dev.kiroku.it;

import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** REST authentication and roles on a real server: who may read, who may act, who may manage the fleet. */
class RolesTest {
    @Test
    void viewersReadAnalystsActAdminsManage(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start()) {
            String admin = Files.readString(server.credentialsFile()).trim();
            assertThat(call(server, "POST", "/api/v1/users", admin, "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-1\"}").statusCode()).isIn(200, 201);
            assertThat(call(server, "POST", "/api/v1/users", admin, "{\"name\":\"anna\",\"role\":\"analyst\",\"password\":\"analyst-password-1\"}").statusCode()).isIn(200, 201);
            String viewer = "vera:viewer-password-1";
            String analyst = "anna:analyst-password-1";
            String block = "{\"kind\":\"destination\",\"value\":\"203.0.113.9\"}";

            HttpResponse<String> anonymous = call(server, "GET", "/api/v1/alerts", null, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(call(server, "GET", "/api/v1/alerts", "vera:wrong", null).statusCode()).isEqualTo(401);

            assertThat(call(server, "GET", "/api/v1/alerts", viewer, null).statusCode()).isEqualTo(200);
            HttpResponse<String> viewerActs = call(server, "POST", "/api/v1/blocklist", viewer, block);
            assertThat(viewerActs.statusCode()).isEqualTo(403);
            assertThat(viewerActs.body()).contains("viewer").contains("analyst");

            assertThat(call(server, "POST", "/api/v1/blocklist", analyst, block).statusCode()).isEqualTo(201);
            assertThat(call(server, "POST", "/api/v1/tokens", analyst, "{\"expires\":\"1h\"}").statusCode()).isEqualTo(403);
            assertThat(call(server, "GET", "/api/v1/audit", analyst, null).statusCode()).isEqualTo(403);
            assertThat(call(server, "POST", "/api/v1/tokens", admin, "{\"expires\":\"1h\"}").statusCode()).isEqualTo(201);

            // The console itself is public (it signs in through the API), and its API calls get no browser prompt.
            assertThat(call(server, "GET", "/console/", null, null).statusCode()).isEqualTo(200);
            HttpResponse<String> console = ServerRest.client(server).send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/alerts"))
                    .header("X-Requested-With", "kiroku-console").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).isEqualTo(401);
            assertThat(console.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    private HttpResponse<String> call(KirokuServer server, String method, String path, String credentials, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
        }
        if (body != null) request.header("Content-Type", "application/json");
        return ServerRest.client(server).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
