package dev.kiroku.it;

import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.api.ServerTrust;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;

/** REST calls to an in-process server as its first admin (the credentials file the server wrote), over its HTTPS. */
public final class ServerRest {
    private ServerRest() {
    }

    /** An HTTP client that trusts the server's CA, for tests that send their own requests. */
    public static HttpClient client(KirokuServer server) {
        return ServerTrust.httpClient(server.caCertificate()).build();
    }

    static HttpResponse<String> rest(KirokuServer server, String method, String path, String body) throws Exception {
        String credentials = Files.readString(server.credentialsFile()).trim();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        return client(server).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
