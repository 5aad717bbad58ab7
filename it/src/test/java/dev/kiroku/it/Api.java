package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The REST API as a test sees it. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    Api(String base) {
        this.base = base;
    }

    JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
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
            return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
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
