package dev.kiroku.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code bench console}: how fast the console's pages get their data, against a real server whose alert database and
 * event store were filled synthetically (seeded) and whose state store holds 1,000 enrolled endpoints with inventories
 * and heartbeats. Each page's REST calls are made at once, as the page's sections make them, and the page counts
 * from the first call to the last answer read; single calls are timed too. Baseline in the same run: the call the
 * overview made before alerts were counted on the server ({@code GET /api/v1/alerts?last=24h&limit=5000}).
 * Full mode: 10,000,000 events and 200,000 alerts; {@code --quick}: 30,000 events and 3,000 alerts. The system
 * property {@code kiroku.bench.consoleEvents} overrides the number of events.
 */
public final class ConsoleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LEVELS = {"critical", "high", "medium", "low", "informational"};
    private static final int ENDPOINTS = 1_000;
    private static final int BATCH = 10_000;
    /** Loads before the timed rounds of each page or call. */
    private static final int WARM_UPS = 1;
    private static final String REVSHELL_RULE = "28061025-6467-4ebf-bee9-cfa6d35c03ee";

    private ConsoleBench() {
    }

    /** The REST calls each page makes when it opens (console/src/main/resources/.../js/pages). */
    static Map<String, List<String>> pages(String searchWindow) {
        Map<String, List<String>> pages = new LinkedHashMap<>();
        pages.put("overview", List.of("/api/v1/alerts/summary?last=24h&bucket=1h&top=200", "/api/v1/endpoints/summary", "/api/v1/rules"));
        pages.put("endpoints", List.of("/api/v1/endpoints?offset=0&limit=100"));
        pages.put("endpoint", List.of("/api/v1/endpoints/agent-0007", "/api/v1/events?q=" + encode("agent.id:\"agent-0007\"") + "&limit=50",
                "/api/v1/alerts?agent=agent-0007&limit=20"));
        pages.put("alerts", List.of("/api/v1/alerts?last=7d&limit=100"));
        pages.put("search", List.of("/api/v1/events/fields", "/api/v1/events/histogram?q=" + encode("process.name:curl") + "&last=" + searchWindow
                        + "&interval=" + (searchWindow.equals("7d") ? "6h" : "30m") /* as search.js buckets them */,
                "/api/v1/events?q=" + encode("process.name:curl") + "&last=" + searchWindow + "&limit=100"));
        pages.put("incidents", List.of("/api/v1/incidents"));
        pages.put("response", List.of("/api/v1/blocklist", "/api/v1/commands?limit=100", "/api/v1/indicators"));
        pages.put("policies", List.of("/api/v1/response/policies"));
        pages.put("rules", List.of("/api/v1/rules"));
        pages.put("yara", List.of("/api/v1/yara/sweeps", "/api/v1/endpoints?status=online&limit=200"));
        pages.put("settings", List.of("/api/v1/audit?limit=100", "/api/v1/health"));
        return pages;
    }

    /** The console's routes the browser times, in the order of {@link #pages}. */
    static List<String> routes(String searchWindow) {
        return List.of("overview", "endpoints", "endpoints/agent-0007", "alerts", "search?q=" + encode("process.name:curl") + "&last=" + searchWindow,
                "incidents", "response", "policies", "rules", "yara", "settings");
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) throws Exception {
        return run(quick, json, out, work, null);
    }

    /**
     * Runs the bench; with {@code store} (a directory holding an event store in {@code events/}, as {@code bench
     * investigate} leaves it) the server works on a link of that store instead of synthetic events, which are then not
     * generated; the store itself is not written to.
     */
    public static int run(boolean quick, boolean json, PrintStream out, Path work, Path store) throws Exception {
        int alerts = quick ? 3_000 : 200_000;
        long events = store != null ? 0 : Long.getLong("kiroku.bench.consoleEvents", quick ? 30_000 : 10_000_000);
        // Over a given store the search page looks at the last 7 days, which covers all of a store built the day before.
        String searchWindow = store != null ? "7d" : "24h";
        int rounds = quick ? 5 : 20;
        int baselineRounds = quick ? 3 : rounds; // the old overview call moves megabytes; a few rounds show the ratio
        Instant now = Instant.now();
        Path data = work.resolve("server");
        if (Files.exists(data)) {
            throw new IllegalArgumentException("--dir " + work + " already holds a console bench's server (" + data + "); give a new directory");
        }
        Random random = new Random(9);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", quick ? "quick" : "full");
        long benchStart = System.nanoTime();
        long cpuStart = cpuNanos();
        if (store != null) {
            long linkStart = System.nanoTime();
            StoreLink.Linked linked = StoreLink.into(store, data);
            result.put("store", store.toAbsolutePath().toString());
            log(out, json, String.format("linked the event store %s: %,d files (%,d copied), %,d MB, in %.1f s", store, linked.files(),
                    linked.copied(), linked.bytes() >> 20, (System.nanoTime() - linkStart) / 1e9));
        }

        long fillAlerts = System.nanoTime();
        long fillAlertsCpu = cpuNanos();
        try (JdbcAlertStore alertStore = JdbcAlertStore.h2(data, InstantSource.system())) {
            List<Occurrence> occurrences = new ArrayList<>(BATCH);
            for (int i = 0; i < alerts; i++) {
                occurrences.add(occurrence(random, i, ENDPOINTS, now));
                if (occurrences.size() == BATCH || i == alerts - 1) {
                    alertStore.openAll(occurrences); // one transaction per batch, as a bulk import would
                    occurrences.clear();
                }
            }
        }
        double alertSeconds = (System.nanoTime() - fillAlerts) / 1e9;
        double alertCpu = (cpuNanos() - fillAlertsCpu) / 1e9;
        log(out, json, String.format("filled %,d alerts in %.1f s (process CPU %.1f s, with opening the database)", alerts, alertSeconds, alertCpu));
        long serverStart = System.nanoTime();
        long serverStartCpu = cpuNanos();

        // The synthetic endpoints heartbeat once, at enrolment: an hour before "offline" keeps them online as live agents
        // would be while the pages are measured.
        try (KirokuServer server = new KirokuServer(new ServerConfig(data, "127.0.0.1", 0, Duration.ofDays(30))
                .withOfflineAfter(Duration.ofHours(1)), InstantSource.system()).start()) {
            double startSeconds = (System.nanoTime() - serverStart) / 1e9;
            double startCpu = (cpuNanos() - serverStartCpu) / 1e9;
            log(out, json, String.format("server started in %.1f s (process CPU %.1f s)", startSeconds, startCpu));
            long fillEvents = System.nanoTime();
            long fillCpu = cpuNanos();
            if (store == null) fill(server, events, random, now, out, json);
            else events = server.store().count(dev.kiroku.store.EventQuery.all());
            double eventSeconds = (System.nanoTime() - fillEvents) / 1e9;
            log(out, json, store == null ? String.format("stored %,d events from %,d endpoints in %.1f s (%.0f events/s)",
                    events, ENDPOINTS, eventSeconds, events / eventSeconds)
                    : String.format("the store holds %,d events (counted in %.1f s)", events, eventSeconds));
            // Enrolled after the fill, so their heartbeats are recent while the pages are measured (most are online). Enrolling
            // on another thread while storing was measured slower (37–46 s against 22–31 s for both, --quick at load 16–28).
            double enrolSeconds = enrol(server);
            double fillCpuSeconds = (cpuNanos() - fillCpu) / 1e9;
            log(out, json, String.format("enrolled %,d endpoints in the state store in %.1f s; process CPU of storing and enrolling %.1f s",
                    ENDPOINTS, enrolSeconds, fillCpuSeconds));
            long pagesStart = System.nanoTime();
            long pagesCpu = cpuNanos();

            String[] admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            Api api = new Api(server.url(), server.caCertificate(), admin[0], admin[1]);
            result.put("alerts", alerts);
            result.put("events", events);
            result.put("endpoints", ENDPOINTS);
            result.put("rounds", rounds);
            result.put("fill_alerts_s", round(alertSeconds));
            result.put("fill_alerts_cpu_s", round(alertCpu));
            result.put("server_start_s", round(startSeconds));
            result.put("server_start_cpu_s", round(startCpu));
            result.put("enrol_s", round(enrolSeconds));
            result.put("fill_events_s", round(eventSeconds));
            result.put("fill_events_and_enrol_cpu_s", round(fillCpuSeconds));

            double[] baseline = api.time("/api/v1/alerts?last=24h&limit=5000", baselineRounds);
            result.put("baseline_overview_5000_alerts_p95_ms", round(percentile(baseline, 0.95)));
            log(out, json, String.format("%-34s p50 %8.1f ms  p95 %8.1f ms  %,10d bytes", "baseline: overview as before",
                    percentile(baseline, 0.5), percentile(baseline, 0.95), api.lastBytes));
            double worst = 0;
            for (var page : pages(searchWindow).entrySet()) {
                double[] ms = api.page(page.getValue(), rounds);
                worst = Math.max(worst, percentile(ms, 0.95));
                result.put("page_" + page.getKey() + "_p50_ms", round(percentile(ms, 0.5)));
                result.put("page_" + page.getKey() + "_p95_ms", round(percentile(ms, 0.95)));
                result.put("page_" + page.getKey() + "_bytes", api.lastBytes);
                log(out, json, String.format("page %-29s p50 %8.1f ms  p95 %8.1f ms  %,10d bytes  (%d calls)", page.getKey(),
                        percentile(ms, 0.5), percentile(ms, 0.95), api.lastBytes, page.getValue().size()));
            }
            result.put("overview_p95_over_baseline", round(((Number) result.get("page_overview_p95_ms")).doubleValue()
                    / percentile(baseline, 0.95)));
            result.put("worst_page_p95_ms", round(worst));
            result.put("pages_s", round((System.nanoTime() - pagesStart) / 1e9));
            result.put("pages_cpu_s", round((cpuNanos() - pagesCpu) / 1e9));
            log(out, json, String.format("pages measured in %.1f s (process CPU %.1f s, client and server)", result.get("pages_s"),
                    result.get("pages_cpu_s")));
            result.put("under_1s", worst < 1000);
            JsonNode searched = JSON.readTree(api.get("/api/v1/events/count?q=" + encode("*") + "&last=" + searchWindow));
            result.put("search_window", searchWindow);
            result.put("search_window_events", searched.path("count").asLong());
            log(out, json, String.format("the search page's window (last %s) holds %,d events", searchWindow, searched.path("count").asLong()));

            // The same pages in a real browser: from the navigation to the page shown with every section loaded.
            long browserStart = System.nanoTime();
            long browserCpu = cpuNanos();
            BrowserTimings.Result browser = BrowserTimings.run(server.url(), admin[0], admin[1], routes(searchWindow), quick ? 1 : 3);
            result.put("browser_s", round((System.nanoTime() - browserStart) / 1e9));
            result.put("browser_cpu_s", round((cpuNanos() - browserCpu) / 1e9));
            if (browser.skipped() != null) {
                result.put("browser_skipped", browser.skipped());
                log(out, json, "browser timings skipped: " + browser.skipped());
            } else {
                double worstBrowser = 0;
                for (var timing : browser.pages().entrySet()) {
                    String key = timing.getKey().replaceAll("[/?].*", "") + (timing.getKey().contains("/") ? "_one" : "");
                    result.put("browser_" + key + "_ms", timing.getValue());
                    worstBrowser = timing.getValue() < 0 ? Double.POSITIVE_INFINITY : Math.max(worstBrowser, timing.getValue());
                    log(out, json, String.format("browser %-28s %8d ms (median of %d navigations)", timing.getKey(), timing.getValue(), quick ? 1 : 3));
                }
                result.put("browser_cold_overview_ms", browser.coldMs());
                result.put("browser_worst_ms", worstBrowser);
                result.put("browser_under_1s", worstBrowser < 1000);
                log(out, json, String.format("browser: a new tab loading the console at the overview %d ms; worst page %.0f ms; browser phase %.1f s",
                        browser.coldMs(), worstBrowser, (double) result.get("browser_s")));
            }

            // Not a page load: the Rules page's "Test" of a built-in rule over 24 hours of the whole store, bounded at 20 s.
            long trialStart = System.nanoTime();
            JsonNode trial = JSON.readTree(api.post("/api/v1/rules/" + REVSHELL_RULE + "/test?last=24h&limit=20"));
            double trialMs = (System.nanoTime() - trialStart) / 1e6;
            result.put("rule_test_24h_ms", round(trialMs));
            result.put("rule_test_24h_scanned", trial.path("scanned").asLong());
            result.put("rule_test_24h_complete", trial.path("complete").asBoolean());
            log(out, json, String.format("rule test over 24 h: %,d events evaluated in %.0f ms%s", trial.path("scanned").asLong(), trialMs,
                    trial.path("complete").asBoolean() ? "" : " (cut: " + trial.path("cut").asText() + ")"));
        }
        result.put("total_s", round((System.nanoTime() - benchStart) / 1e9));
        result.put("total_cpu_s", round((cpuNanos() - cpuStart) / 1e9));
        if (json) out.println(JSON.writeValueAsString(result));
        else out.printf("worst page p95 %.1f ms (target: every page interactive within 1 s); whole run %.0f s wall, %.0f s CPU%n",
                (double) result.get("worst_page_p95_ms"), (double) result.get("total_s"), (double) result.get("total_cpu_s"));
        return 0;
    }

    /** Synthetic events (seeded, 1,000 hosts, 24 h) through the store's bulk append, as the server's ingest does. */
    private static void fill(KirokuServer server, long events, Random random, Instant now, PrintStream out, boolean json) {
        long start = System.nanoTime();
        long[] sequences = new long[ENDPOINTS];
        List<Event> batch = new ArrayList<>(BATCH);
        for (long i = 0; i < events; i++) {
            batch.add(event(random, i, sequences, now));
            if (batch.size() == BATCH) {
                server.store().append(batch);
                batch = new ArrayList<>(BATCH);
            }
            if ((i + 1) % 1_000_000 == 0) {
                log(out, json, String.format("  %,d events stored (%.0f s)", i + 1, (System.nanoTime() - start) / 1e9));
            }
        }
        if (!batch.isEmpty()) server.store().append(batch);
        server.store().commit();
    }

    /** 1,000 endpoints enrolled in the real state store, each with an inventory and a recent heartbeat; answers the seconds it took. */
    private static double enrol(KirokuServer server) {
        long start = System.nanoTime();
        Instant now = Instant.now();
        Random random = new Random(10);
        var state = server.fleet().state();
        for (int host = 0; host < ENDPOINTS; host++) {
            String agent = String.format("agent-%04d", host);
            String name = String.format("host-%04d", host);
            state.enrol(agent, name, host % 10 == 0 ? "servers" : "default", Long.toHexString(random.nextLong()), now.minus(Duration.ofDays(20)));
            Map<String, Object> inventory = new LinkedHashMap<>();
            inventory.put("hostName", name);
            inventory.put("osName", "Debian GNU/Linux");
            inventory.put("osVersion", "13");
            inventory.put("kernel", "6.12.0-" + (host % 5) + "-amd64");
            inventory.put("agentVersion", "0.4.0");
            inventory.put("isolation", "not isolated");
            inventory.put("lastRecordedSequence", 1_000 + random.nextInt(10_000));
            inventory.put("journalBytes", 1L << 26);
            inventory.put("sensors", List.of(Map.of("name", "process", "state", "running", "mode", "audit"),
                    Map.of("name", "file", "state", "running", "mode", "fanotify"), Map.of("name", "network", "state", "running", "mode", "audit")));
            inventory.put("losses", Map.of("queue", 0, "fanotify", host % 97 == 0 ? 12 : 0, "journal", 0));
            String json;
            try {
                json = JSON.writeValueAsString(inventory);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            state.heartbeat(agent, json, host % 20 == 0 ? now.minus(Duration.ofHours(2)) : now);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
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

    private static Event event(Random random, long i, long[] sequences, Instant now) {
        int host = random.nextInt(sequences.length);
        String agent = String.format("agent-%04d", host);
        long sequence = ++sequences[host];
        Instant time = now.minusMillis((long) (random.nextDouble() * Duration.ofHours(24).toMillis()));
        String name = random.nextInt(50) == 0 ? "curl" : "worker-" + random.nextInt(200);
        ProcessInfo process = new ProcessInfo("e-" + host + "-" + i, 1000 + (int) (i % 30_000), time, null, "/usr/bin/" + name,
                List.of(name, "--job", Long.toString(i)), "/srv", null, new ProcessInfo.Credentials(1000, "app", 1000, "app", 1000, 1000, 1000),
                1, null, null);
        String hostName = String.format("host-%04d", host);
        return i % 4 == 3
                ? new Event(agent, sequence, time, hostName, List.of(),
                        new FileChange(FileChange.Action.MODIFY, "/srv/data/file-" + random.nextInt(10_000), null, false, process))
                : new Event(agent, sequence, time, hostName, List.of(), new ProcessStart(process, false));
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

        /** Times a page: its calls made at once, from the first request to the last answer read. */
        double[] page(List<String> paths, int rounds) throws Exception {
            double[] ms = new double[rounds];
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = -WARM_UPS; i < rounds; i++) {
                    long start = System.nanoTime();
                    List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
                    for (String path : paths) answers.add(pool.submit(() -> getBytes(path).length));
                    long total = 0;
                    for (var answer : answers) total += answer.get();
                    if (i >= 0) ms[i] = (System.nanoTime() - start) / 1e6;
                    lastBytes = total;
                }
            }
            return ms;
        }

        String get(String path) throws IOException, InterruptedException {
            return new String(getBytes(path), java.nio.charset.StandardCharsets.UTF_8);
        }

        String post(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
            return response.body();
        }

        private byte[] getBytes(String path) throws IOException, InterruptedException {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + new String(response.body()));
            }
            return response.body();
        }

        double[] time(String path, int rounds) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                    .header("Accept", "application/json").build();
            double[] ms = new double[rounds];
            for (int i = -WARM_UPS; i < rounds; i++) {
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
