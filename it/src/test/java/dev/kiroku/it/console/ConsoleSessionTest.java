package dev.kiroku.it.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.it.ServerRest;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sessions on a real server: sign-in sets an HttpOnly SameSite=Strict cookie and answers a CSRF token;
 * reads need only the cookie; a state-changing request without the token (what a forged cross-site form would send)
 * is refused; roles still apply; sign-out ends the session. HTTP Basic keeps working for scripts.
 */
class ConsoleSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpClient http;

    @Test
    void sessionsCarryACsrfTokenThatStateChangingRequestsMustEcho(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start()) {
            String[] admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            String base = server.url();
            http = ServerRest.client(server);
            String block = "{\"kind\":\"destination\",\"value\":\"203.0.113.9\",\"reason\":\"session test\"}";

            HttpResponse<String> wrong = send(base, "POST", "/api/v1/session", null, null, "{\"user\":\"admin\",\"password\":\"nope\"}");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

            HttpResponse<String> signIn = send(base, "POST", "/api/v1/session", null, null,
                    JSON.writeValueAsString(java.util.Map.of("user", admin[0], "password", admin[1])));
            assertThat(signIn.statusCode()).isEqualTo(201);
            String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith("kiroku_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            JsonNode session = JSON.readTree(signIn.body());
            String csrf = session.path("csrf_token").asText();
            assertThat(session.path("role").asText()).isEqualTo("admin");
            assertThat(csrf).hasSizeGreaterThan(30);

            assertThat(send(base, "GET", "/api/v1/alerts", cookie, null, null).statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(send(base, "GET", "/api/v1/session", cookie, null, null).body()).path("csrf_token").asText()).isEqualTo(csrf);

            HttpResponse<String> forged = send(base, "POST", "/api/v1/blocklist", cookie, null, block);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("X-CSRF-Token");
            assertThat(send(base, "POST", "/api/v1/blocklist", cookie, "not-" + csrf, block).statusCode()).isEqualTo(403);
            assertThat(send(base, "POST", "/api/v1/blocklist", cookie, csrf, block).statusCode()).isEqualTo(201);

            // Roles apply to sessions as to Basic: a viewer's session with a valid token is still refused an action.
            assertThat(basic(base, admin, "/api/v1/users", "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-1\"}").statusCode()).isIn(200, 201);
            HttpResponse<String> viewerSignIn = send(base, "POST", "/api/v1/session", null, null, "{\"user\":\"vera\",\"password\":\"viewer-password-1\"}");
            String viewerCookie = viewerSignIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            String viewerCsrf = JSON.readTree(viewerSignIn.body()).path("csrf_token").asText();
            HttpResponse<String> viewerActs = send(base, "POST", "/api/v1/blocklist", viewerCookie, viewerCsrf, block);
            assertThat(viewerActs.statusCode()).isEqualTo(403);
            assertThat(viewerActs.body()).contains("viewer").contains("analyst");

            // A role change applies to a session at once, without signing in again, both ways.
            assertThat(basic(base, admin, "/api/v1/users", "{\"name\":\"vera\",\"role\":\"analyst\",\"password\":\"viewer-password-1\"}").statusCode()).isIn(200, 201);
            assertThat(send(base, "POST", "/api/v1/blocklist", viewerCookie, viewerCsrf, block.replace("203.0.113.9", "203.0.113.10")).statusCode())
                    .as("promoted to analyst").isEqualTo(201);
            assertThat(JSON.readTree(send(base, "GET", "/api/v1/session", viewerCookie, null, null).body()).path("role").asText()).isEqualTo("analyst");
            assertThat(basic(base, admin, "/api/v1/users", "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-1\"}").statusCode()).isIn(200, 201);
            assertThat(send(base, "POST", "/api/v1/blocklist", viewerCookie, viewerCsrf, block.replace("203.0.113.9", "203.0.113.11")).statusCode())
                    .as("demoted to viewer again").isEqualTo(403);

            assertThat(send(base, "DELETE", "/api/v1/session", cookie, null, null).statusCode()).isEqualTo(204);
            assertThat(send(base, "GET", "/api/v1/alerts", cookie, null, null).statusCode()).isEqualTo(401);
            assertThat(send(base, "GET", "/api/v1/alerts", "kiroku_session=made-up", null, null).statusCode()).isEqualTo(401);
            assertThat(basic(base, admin, "/api/v1/blocklist", block).statusCode()).as("Basic still works for scripts").isEqualTo(201);
        }
    }

    @Test
    void sessionsSurviveARestartButSignOutAndRoleChangesStillApplyAtOnce(@TempDir Path directory) throws Exception {
        ServerConfig config = new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1)).withFleetPort(0);
        String[] admin;
        String adminCookie;
        String adminCsrf;
        String veraCookie;
        String goneCookie;
        String block = "{\"kind\":\"destination\",\"value\":\"203.0.113.20\",\"reason\":\"restart test\"}";
        try (KirokuServer server = new KirokuServer(config, InstantSource.system()).start()) {
            admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            String base = server.url();
            http = ServerRest.client(server);
            HttpResponse<String> signIn = signIn(base, admin[0], admin[1]);
            adminCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            adminCsrf = JSON.readTree(signIn.body()).path("csrf_token").asText();
            assertThat(basic(base, admin, "/api/v1/users", "{\"name\":\"vera\",\"role\":\"analyst\",\"password\":\"analyst-password-1\"}").statusCode()).isIn(200, 201);
            veraCookie = signIn(base, "vera", "analyst-password-1").headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            goneCookie = signIn(base, admin[0], admin[1]).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(send(base, "DELETE", "/api/v1/session", goneCookie, null, null).statusCode()).isEqualTo(204);
        }
        Path database = directory.resolve("server/sessions/kiroku-sessions.mv.db");
        assertThat(database).exists();
        assertThat(new String(Files.readAllBytes(database), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the database holds hashes of session ids, not the ids").doesNotContain(adminCookie.substring(adminCookie.indexOf('=') + 1));

        try (KirokuServer server = new KirokuServer(config, InstantSource.system()).start()) {
            String base = server.url();
            http = ServerRest.client(server);
            JsonNode session = JSON.readTree(send(base, "GET", "/api/v1/session", adminCookie, null, null).body());
            assertThat(session.path("user").asText()).as("still signed in after the restart").isEqualTo("admin");
            assertThat(session.path("csrf_token").asText()).isEqualTo(adminCsrf);
            assertThat(send(base, "POST", "/api/v1/blocklist", adminCookie, adminCsrf, block).statusCode()).isEqualTo(201);
            assertThat(send(base, "POST", "/api/v1/blocklist", adminCookie, null, block).statusCode()).as("CSRF still required").isEqualTo(403);
            assertThat(send(base, "GET", "/api/v1/alerts", goneCookie, null, null).statusCode()).as("signed out before the restart").isEqualTo(401);

            assertThat(basic(base, admin, "/api/v1/users", "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"analyst-password-1\"}").statusCode()).isIn(200, 201);
            HttpResponse<String> demoted = send(base, "GET", "/api/v1/session", veraCookie, null, null);
            assertThat(JSON.readTree(demoted.body()).path("role").asText()).as("a role change applies to a restored session").isEqualTo("viewer");

            assertThat(send(base, "DELETE", "/api/v1/session", adminCookie, null, null).statusCode()).isEqualTo(204);
            assertThat(send(base, "GET", "/api/v1/alerts", adminCookie, null, null).statusCode()).isEqualTo(401);
        }
        try (KirokuServer server = new KirokuServer(config, InstantSource.system()).start()) {
            http = ServerRest.client(server);
            assertThat(send(server.url(), "GET", "/api/v1/alerts", adminCookie, null, null).statusCode()).as("sign-out is kept too").isEqualTo(401);
            assertThat(send(server.url(), "GET", "/api/v1/alerts", veraCookie, null, null).statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> signIn(String base, String user, String password) throws Exception {
        HttpResponse<String> response = send(base, "POST", "/api/v1/session", null, null,
                JSON.writeValueAsString(java.util.Map.of("user", user, "password", password)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response;
    }

    private HttpResponse<String> send(String base, String method, String path, String cookie, String csrf, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) request.header("Cookie", cookie);
        if (csrf != null) request.header("X-CSRF-Token", csrf);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> basic(String base, String[] user, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user[0] + ":" + user[1]).getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
