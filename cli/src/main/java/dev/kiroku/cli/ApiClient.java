package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.server.api.ServerTrust;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** A small client of the server's REST API for the commands, over HTTPS trusting the server's CA (see {@link Credentials}). */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = ServerTrust.httpClient(Credentials.caCertificate()).connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base) {
        this.base = base;
    }

    /** GET a path with query parameters (null values are left out); throws with the server's error message. */
    JsonNode get(String path, Map<String, String> parameters) {
        return send("GET", path, parameters, null, null);
    }

    /** POST a body (null for none) of the given content type to a path with query parameters. */
    JsonNode post(String path, Map<String, String> parameters, String body, String contentType) {
        return send("POST", path, parameters, body, contentType);
    }

    /** DELETE a path. */
    JsonNode delete(String path) {
        return send("DELETE", path, Map.of(), null, null);
    }

    private JsonNode send(String method, String path, Map<String, String> parameters, String body, String contentType) {
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((name, value) -> {
            if (value != null) query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        URI uri = URI.create(base + path + (query.length() > 0 ? "?" + query : ""));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) request.header("Content-Type", contentType);
        String authorization = Credentials.authorization();
        if (authorization != null) request.header("Authorization", authorization);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode reply = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                String message = reply.path("error").asText(response.body());
                if (response.statusCode() == 401) {
                    message += " (credentials are read from " + Credentials.file() + "; set KIROKU_CREDENTIALS to a file with user:password)";
                }
                throw new ApiException(message, response.statusCode());
            }
            return reply;
        } catch (ConnectException e) {
            throw new ApiException("no Kiroku server answers at " + base + " (start one with ./kiroku demo, or pass --server)", 0);
        } catch (javax.net.ssl.SSLException e) {
            throw new ApiException("TLS with " + base + " failed: " + e.getMessage() + " (the server's CA is read from "
                    + Credentials.caCertificate() + "; set KIROKU_CA to its ca.crt, or use http:// for a --plain-http server)", 0);
        } catch (IOException e) {
            throw new ApiException("talking to " + base + ": " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", 0);
        }
    }

    static final class ApiException extends RuntimeException {
        final int status;

        ApiException(String message, int status) {
            super(message);
            this.status = status;
        }
    }
}
