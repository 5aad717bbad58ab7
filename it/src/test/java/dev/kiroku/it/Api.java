package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.server.api.ServerTrust;
import dev.kiroku.server.auth.CredentialsFile;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The REST API as a test sees it. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final Path credentials;
    private volatile HttpClient http;

    /**
     * @param credentials the server's user:password file; read at each request, as the server writes it at first start.
     *                    The HTTPS certificate is trusted through the server's CA beside it ({@code pki/ca.crt}).
     */
    Api(String base, Path credentials) {
        this.base = base;
        this.credentials = credentials;
    }

    /** The client, made once the server has written its CA (a server in a child process writes it when it starts). */
    private HttpClient http() {
        if (http == null) {
            Path ca = credentials.resolveSibling("pki").resolve("ca.crt");
            // Checked before the client is built: a CA written in between must not leave a cached client without it.
            boolean written = Files.isReadable(ca);
            HttpClient client = ServerTrust.httpClient(written ? ca : null).build();
            if (!written) return client;
            http = client;
        }
        return http;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        String authorization = CredentialsFile.authorization(credentials);
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    /** POSTs a JSON body (null for none); returns the answer, failing the test on an error status. */
    JsonNode post(String path, String json) {
        try {
            HttpResponse<String> response = http().send(request(path).header("Content-Type", "application/json")
                    .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() >= 300) throw new AssertionError(path + " -> " + response.statusCode() + " " + body);
            return body;
        } catch (IOException e) {
            throw new AssertionError(path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http().send(request(pathAndQuery).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200) throw new AssertionError(pathAndQuery + " -> " + response.statusCode() + " " + body);
            return body;
        } catch (IOException e) {
            throw new AssertionError(pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int status(String pathAndQuery) {
        try {
            return http().send(request(pathAndQuery).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    long count(String query) {
        return get("/api/v1/events/count?q=" + encode(query)).path("count").asLong();
    }

    JsonNode search(String query, int limit) {
        return get("/api/v1/events?limit=" + limit + "&q=" + encode(query)).path("events");
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
