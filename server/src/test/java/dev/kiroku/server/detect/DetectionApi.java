package dev.kiroku.server.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * The detection routes on a real Javalin at a free port, over a real store and H2 (an {@link Endpoint} with a login
 * shell), for tests that call the API over HTTP.
 */
final class DetectionApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Endpoint endpoint;
    final Endpoint.Process shell;
    private final Javalin app;
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A status and its JSON body. */
    record Reply(int status, JsonNode body) {
    }

    DetectionApi(Path data) {
        endpoint = new Endpoint(data);
        DetectionRoutes routes = new DetectionRoutes(endpoint.detection);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            routes.register(config);
        }).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
        shell = endpoint.process("e-shell", "/usr/bin/bash", List.of("-bash"), null);
    }

    Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    @Override
    public void close() {
        app.stop();
        endpoint.close();
    }
}
