package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.JdbcAlertStore;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench console}: the latency of the REST calls the console's pages make, against a real server whose alert
 * database and event store were filled synthetically (seeded). Baseline in the same run: the call the overview made
 * before it was counted on the server ({@code GET /api/v1/alerts?last=24h&limit=5000}, then counted in the browser).
 */
public final class ConsoleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LEVELS = {"critical", "high", "medium", "low", "informational"};
    private static final int ROUNDS = 30;

    private ConsoleBench() {
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) throws Exception {
        int alerts = quick ? 20_000 : 200_000;
        int events = quick ? 100_000 : 1_000_000;
        int hosts = 1_000;
        Instant now = Instant.now();
        Path data = work.resolve("server");
        Random random = new Random(9);
        long fillAlerts = System.nanoTime();
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, InstantSource.system())) {
            for (int i = 0; i < alerts; i++) store.open(occurrence(random, i, hosts, now));
        }
        double alertSeconds = (System.nanoTime() - fillAlerts) / 1e9;
        log(out, json, String.format("filled %,d alerts in %.1f s", alerts, alertSeconds));

        Map<String, Object> result = new LinkedHashMap<>();
        try (KirokuServer server = new KirokuServer(new ServerConfig(data, "127.0.0.1", 0, Duration.ofDays(30)),
                InstantSource.system()).start()) {
            long fillEvents = System.nanoTime();
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                batch.add(event(random, i, hosts, now));
                if (batch.size() == 5_000) {
                    server.ingest().deliver(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) server.ingest().deliver(batch);
            double eventSeconds = (System.nanoTime() - fillEvents) / 1e9;
            log(out, json, String.format("stored %,d events from %,d hosts in %.1f s", events, hosts, eventSeconds));

            String[] admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            Api api = new Api(server.url(), server.caCertificate(), admin[0], admin[1]);
            result.put("alerts", alerts);
            result.put("events", events);
            result.put("hosts", hosts);
            result.put("rounds", ROUNDS);
            Map<String, String> calls = new LinkedHashMap<>();
            calls.put("overview_summary", "/api/v1/alerts/summary?last=24h&bucket=1h&top=200");
            calls.put("baseline_overview_5000_alerts", "/api/v1/alerts?last=24h&limit=5000");
            calls.put("alerts_page", "/api/v1/alerts?last=24h&limit=100");
            calls.put("endpoints_summary", "/api/v1/endpoints/summary");
            calls.put("endpoint_timeline", "/api/v1/events?q=" + encode("agent.id:\"agent-0007\"") + "&limit=50");
            calls.put("search_page", "/api/v1/events?q=" + encode("process.name:curl") + "&limit=100");
            Map<String, double[]> measured = new LinkedHashMap<>();
            for (var call : calls.entrySet()) {
                double[] ms = api.time(call.getValue(), ROUNDS);
                measured.put(call.getKey(), ms);
                result.put(call.getKey() + "_p50_ms", round(percentile(ms, 0.5)));
                result.put(call.getKey() + "_p95_ms", round(percentile(ms, 0.95)));
                result.put(call.getKey() + "_bytes", api.lastBytes);
                log(out, json, String.format("%-32s p50 %8.1f ms  p95 %8.1f ms  %,10d bytes", call.getKey(),
                        percentile(ms, 0.5), percentile(ms, 0.95), api.lastBytes));
            }
            result.put("overview_p95_over_baseline", round(percentile(measured.get("overview_summary"), 0.95)
                    / percentile(measured.get("baseline_overview_5000_alerts"), 0.95)));
            double worst = measured.entrySet().stream().filter(e -> !e.getKey().startsWith("baseline"))
                    .mapToDouble(e -> percentile(e.getValue(), 0.95)).max().orElse(0);
            result.put("worst_page_call_p95_ms", round(worst));
            result.put("under_1s", worst < 1000);
        }
        if (json) out.println(JSON.writeValueAsString(result));
        else out.printf("worst page call p95 %.1f ms (target: every page interactive within 1 s)%n", (double) result.get("worst_page_call_p95_ms"));
        return 0;
    }

    private static Occurrence occurrence(Random random, int i, int hosts, Instant now) {
        int rule = random.nextInt(40);
        String level = LEVELS[Math.min(LEVELS.length - 1, rule % 7 == 0 ? 0 : 1 + random.nextInt(4))];
        RuleInfo info = new RuleInfo("bench-rule-" + rule, "Bench rule " + rule, level, "stable",
                List.of("T" + (1000 + rule % 12 * 7) + (rule % 3 == 0 ? ".004" : "")), List.of("execution"), List.of(), "bench");
        String host = String.format("host-%04d", random.nextInt(hosts));
        Instant time = now.minusMillis((long) (random.nextDouble() * Duration.ofHours(30).toMillis()));
        return new Occurrence(Alert.Kind.RULE, info, "bench-" + i, "agent-" + host.substring(5), host, "e-" + i, time,
                Map.of("process.name", "bench", "host.name", host), Map.of(), List.of());
    }

    private static Event event(Random random, int i, int hosts, Instant now) {
        int host = random.nextInt(hosts);
        String agent = String.format("agent-%04d", host);
        Instant time = now.minusMillis((long) (random.nextDouble() * Duration.ofHours(24).toMillis()));
        String name = random.nextInt(50) == 0 ? "curl" : "worker-" + random.nextInt(200);
        ProcessInfo process = new ProcessInfo("e-" + host + "-" + i, 1000 + i % 30_000, time, null, "/usr/bin/" + name,
                List.of(name, "--job", Integer.toString(i)), "/srv", null, new ProcessInfo.Credentials(1000, "app", 1000, "app", 1000, 1000, 1000),
                1, null, null);
        return i % 4 == 3
                ? new Event(agent, i + 1, time, String.format("host-%04d", host), List.of(),
                        new FileChange(FileChange.Action.MODIFY, "/srv/data/file-" + random.nextInt(10_000), null, false, process))
                : new Event(agent, i + 1, time, String.format("host-%04d", host), List.of(), new ProcessStart(process, false));
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void log(PrintStream out, boolean json, String line) {
        if (!json) out.println(line);
    }

    /** Times GET calls as the console makes them (Basic auth, JSON, whole body read). */
    private static final class Api {
        private final HttpClient http;
        private final String base;
        private final String authorization;
        long lastBytes;

        Api(String base, java.nio.file.Path caCertificate, String user, String password) {
            this.http = dev.kiroku.server.api.ServerTrust.httpClient(caCertificate).build();
            this.base = base;
            this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        }

        double[] time(String path, int rounds) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                    .header("Accept", "application/json").build();
            double[] ms = new double[rounds];
            for (int i = -2; i < rounds; i++) {            // two warm-up calls
                long start = System.nanoTime();
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + new String(response.body()));
                }
                if (i >= 0) ms[i] = (System.nanoTime() - start) / 1e6;
                lastBytes = response.body().length;
            }
            return ms;
        }
    }
}
