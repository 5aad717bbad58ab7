package dev.kiroku.server.api;

import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The REST API and console listen on HTTPS by default with a certificate from the server's own CA: clients that trust
 * that CA (Java's HttpClient, curl --cacert) connect and verify the host name; clients that do not are refused; plain
 * HTTP is possible only on loopback when asked for.
 */
class HttpsTest {
    @Test
    void theApiServesHttpsSignedByTheServersCa(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start()) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            assertThat(server.caCertificate()).isRegularFile();
            String authorization = "Basic " + Base64.getEncoder().encodeToString(
                    Files.readString(server.credentialsFile()).trim().getBytes(StandardCharsets.UTF_8));
            HttpRequest health = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/health"))
                    .header("Authorization", authorization).build();

            HttpResponse<String> trusted = ServerTrust.httpClient(server.caCertificate()).build()
                    .send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(trusted.statusCode()).isEqualTo(200);
            assertThat(trusted.body()).contains("\"status\":\"ok\"");

            // By "localhost" too: the certificate names loopback by address and by name.
            HttpResponse<String> byName = ServerTrust.httpClient(server.caCertificate()).build().send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/console/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(byName.statusCode()).isEqualTo(200);

            assertThatThrownBy(() -> HttpClient.newHttpClient().send(health, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);

            // The console's session cookie is Secure over HTTPS.
            String[] admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            HttpResponse<String> signIn = ServerTrust.httpClient(server.caCertificate()).build().send(HttpRequest.newBuilder(
                            URI.create(server.url() + "/api/v1/session")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + admin[0] + "\",\"password\":\"" + admin[1] + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie).contains("Secure"));

            // What docs/console.md tells an admin: curl trusts the server with --cacert and the CA file.
            Process curl = new ProcessBuilder("curl", "-sS", "--cacert", server.caCertificate().toString(),
                    "-H", "Authorization: " + authorization, server.url() + "/api/v1/health").redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor()).as(out).isZero();
            assertThat(out).contains("\"status\":\"ok\"");
        }
    }

    @Test
    void theCertificateIsKeptAcrossRestartsAndPlainHttpIsForLoopbackOnly(@TempDir Path directory) throws Exception {
        ServerConfig config = new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1)).withFleetPort(0);
        byte[] first;
        try (KirokuServer server = new KirokuServer(config, InstantSource.system()).start()) {
            first = Files.readAllBytes(server.caCertificate().resolveSibling("web.crt"));
        }
        try (KirokuServer server = new KirokuServer(config.withPlainHttp(true), InstantSource.system()).start()) {
            assertThat(Files.readAllBytes(server.caCertificate().resolveSibling("web.crt"))).isEqualTo(first);
            assertThat(server.url()).startsWith("http://127.0.0.1:");
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/console/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> new ServerConfig(directory, "0.0.0.0", 0, Duration.ofDays(1), 0, Duration.ofSeconds(60), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }
}
