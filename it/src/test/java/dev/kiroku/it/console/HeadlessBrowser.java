package dev.kiroku.it.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Chromium (Debian's {@code chromium}, headless) driven over the DevTools protocol, so console tests run the
 * console's JavaScript against the real server exactly as an analyst's browser would. Only what the tests need:
 * navigate, evaluate JavaScript (awaiting promises), and wait until an expression becomes true.
 */
final class HeadlessBrowser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Path executable() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) return Path.of(candidate);
        }
        throw new IllegalStateException("no Chromium found: the console tests need Debian's 'chromium' package "
                + "(./kiroku test installs it; or: apt-get install chromium)");
    }

    HeadlessBrowser() throws Exception {
        profile = Files.createTempDirectory("kiroku-chromium-");
        process = new ProcessBuilder(executable().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--ignore-certificate-errors", "--no-default-browser-check", "--disable-extensions",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1400,1000", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String browserSocket = awaitDevToolsAddress();
        URI base = URI.create(browserSocket.replaceFirst("^ws", "http").replaceFirst("/devtools/.*$", ""));
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String pageSocket = null;
        for (JsonNode t : targets) if (t.path("type").asText().equals("page")) pageSocket = t.path("webSocketDebuggerUrl").asText();
        if (pageSocket == null) throw new IllegalStateException("Chromium opened no page target: " + targets);
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(10, TimeUnit.SECONDS);
        call("Runtime.enable", Map.of());
        call("Page.enable", Map.of());
    }

    private String awaitDevToolsAddress() throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = err.readLine()) != null) {
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(err));
                return m.group(1);
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("Chromium exited before opening DevTools:\n" + seen);
    }

    private static void drain(BufferedReader reader) {
        try {
            while (reader.readLine() != null) {
                // Chromium's own log; not ours to judge
            }
        } catch (IOException ignored) {
            // the browser closed
        }
    }

    /** Opens a URL and waits for the page's load event. */
    void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        waitUntil("document.readyState === 'complete'", Duration.ofSeconds(15));
    }

    /** Evaluates a JavaScript expression in the page (awaiting a promise) and returns its JSON value. */
    JsonNode eval(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("JavaScript failed: " + result.path("exceptionDetails").path("exception").path("description").asText(
                    result.path("exceptionDetails").toString()) + "\nin: " + expression);
        }
        return result.path("result").path("value");
    }

    String text(String expression) throws Exception {
        return eval(expression).asText();
    }

    /** Polls an expression until it is truthy; fails with the page's text when it never becomes so. */
    void waitUntil(String expression, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            // A page being (re)loaded has no body yet: an expression that throws is simply not true yet.
            if (eval("(() => { try { return Boolean(" + expression + "); } catch (e) { return false; } })()").asBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for: " + expression + "\npage text:\n"
                + eval("document.body ? document.body.innerText : ''").asText() + "\nconsole errors: " + consoleErrors);
    }

    /** Errors the page's JavaScript raised or logged (uncaught exceptions, console.error). */
    List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    private JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(buffer.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(message.get("id").asInt());
                        if (f != null) f.complete(message);
                    } else {
                        noteEvent(message);
                    }
                } catch (IOException e) {
                    consoleErrors.add("unreadable DevTools message: " + e.getMessage());
                }
                buffer.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    private void noteEvent(JsonNode message) {
        String method = message.path("method").asText();
        if (method.equals("Runtime.exceptionThrown")) {
            consoleErrors.add(message.path("params").path("exceptionDetails").path("exception").path("description")
                    .asText(message.path("params").path("exceptionDetails").path("text").asText()));
        } else if (method.equals("Runtime.consoleAPICalled") && message.path("params").path("type").asText().equals("error")) {
            consoleErrors.add(message.path("params").path("args").toString());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException ignored) {
            // the browser may already be gone
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
