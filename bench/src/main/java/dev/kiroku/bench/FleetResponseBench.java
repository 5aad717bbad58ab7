package dev.kiroku.bench;

import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.scope.Scope;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.Enroller;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.fleet.proto.Command;
import dev.kiroku.response.Sha256;
import dev.kiroku.response.isolation.IsolationRuleset;
import dev.kiroku.response.lab.NetworkNamespace;
import dev.kiroku.response.nft.Nft;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet side of {@code kiroku bench response}: an in-process server, {@code agents} simulated agents that speak
 * the real protocol (enrolled with their own certificates, holding the command push open, answering every command)
 * and one real agent with response on, whose network actions go to a network namespace this benchmark creates.
 *
 * <ul>
 *   <li>{@code isolate_ms}: from issuing {@code isolate} to the real agent through the server until the isolation
 *       table is in force in its namespace (median; {@code isolate_p99_ms}).</li>
 *   <li>{@code block_propagation_p99_ms}: from {@code POST /api/v1/blocklist} of a new SHA-256 until each agent has
 *       it: a simulated agent when the {@code block_hash} command arrives, the real agent when an exec of a binary
 *       with that hash (allowed just before) is refused with EPERM; p50/p99 over every agent and trial.</li>
 * </ul>
 */
final class FleetResponseBench {
    private static final Pattern ENTRY_ID = Pattern.compile("\"id\":(\\d+)");

    private FleetResponseBench() {
    }

    static void run(int agents, int isolateTrials, int blockTrials, Path work, Map<String, Object> result, PrintStream progress)
            throws Exception {
        progress.println("fleet: server, " + agents + " simulated agents and 1 real agent");
        String namespace = "kiroku-bench-fleet-" + ProcessHandle.current().pid();
        List<SimulatedAgent> simulated = new ArrayList<>();
        long begin = System.nanoTime();
        try (KirokuServer server = new KirokuServer(new ServerConfig(work.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start();
             NetworkNamespace ns = NetworkNamespace.create(namespace)) {
            String address = "127.0.0.1:" + server.fleet().port();
            long t0 = System.nanoTime();
            result.put("fleet_server_start_s", round((t0 - begin) / 1e9));
            String token = server.fleet().createToken(Duration.ofMinutes(30), "bench", "bench");
            // Enrolments overlap (TLS handshakes and signing wait on each other's I/O, not only on CPU).
            try (ExecutorService enrolling = Executors.newFixedThreadPool(8)) {
                List<java.util.concurrent.Future<SimulatedAgent>> started = new ArrayList<>();
                for (int i = 0; i < agents; i++) {
                    int n = i;
                    started.add(enrolling.submit(() -> new SimulatedAgent(address, token, "bench-sim-" + n,
                            work.resolve("simulated").resolve("a" + n))));
                }
                for (var future : started) simulated.add(future.get());
            }
            result.put("fleet_enrol_s", round((System.nanoTime() - t0) / 1e9));
            AgentConfig config = AgentConfig.defaults(work.resolve("real-agent"), "bench-real")
                    .withSensors(new AgentConfig.Sensors(false, false, false, false)).withScope(Scope.parse("netns:" + namespace));
            try (FleetAgent real = FleetAgent.start(config, address, server.fleet().createToken(Duration.ofMinutes(30), "bench", "bench"),
                    Duration.ofSeconds(10), InstantSource.system(), true)) {
                waitFor(() -> server.fleet().listeningAgents() == agents + 1, Duration.ofSeconds(60),
                        "every agent to open its command push (" + server.fleet().listeningAgents() + " did)");
                result.put("fleet_real_agent_start_s", round((System.nanoTime() - t0) / 1e9 - (double) result.get("fleet_enrol_s")));
                result.put("fleet_agents", agents + 1);
                long isolateStart = System.nanoTime();
                measureIsolate(server, real.agent().agentId(), Nft.inNamespace(namespace), isolateTrials, result, progress);
                long blockStart = System.nanoTime();
                measurePropagation(server, simulated, work, blockTrials, result, progress);
                result.put("fleet_isolate_phase_s", round((blockStart - isolateStart) / 1e9));
                result.put("fleet_block_phase_s", round((System.nanoTime() - blockStart) / 1e9));
            }
        } finally {
            simulated.forEach(SimulatedAgent::close);
        }
    }

    private static void measureIsolate(KirokuServer server, String agent, Nft nft, int trials, Map<String, Object> result,
                                       PrintStream progress) throws Exception {
        progress.println("fleet isolate: " + trials + " isolate/release commands to the real agent");
        double[] millis = new double[trials];
        for (int i = 0; i < trials; i++) {
            long t0 = System.nanoTime();
            server.fleet().issue("agent:" + agent, "isolate", Map.of("requested_by", "bench"), Duration.ofMinutes(1), "bench");
            waitFor(() -> tableInForce(nft), Duration.ofSeconds(30), "isolation in force");
            millis[i] = (System.nanoTime() - t0) / 1e6;
            server.fleet().issue("agent:" + agent, "release", Map.of(), Duration.ofMinutes(1), "bench");
            waitFor(() -> !tableInForce(nft), Duration.ofSeconds(30), "release");
        }
        result.put("isolate_ms", round(percentile(millis, 50)));
        result.put("isolate_p99_ms", round(percentile(millis, 99)));
        result.put("isolate_target_ms", 1000);
    }

    private static boolean tableInForce(Nft nft) {
        try {
            return nft.tableExists("inet", IsolationRuleset.TABLE);
        } catch (Exception e) {
            return false;
        }
    }

    private static void measurePropagation(KirokuServer server, List<SimulatedAgent> simulated, Path work, int trials,
                                           Map<String, Object> result, PrintStream progress) throws Exception {
        progress.println("fleet block propagation: " + trials + " new hashes blocked through the REST API");
        Path dir = Files.createDirectories(work.resolve("propagation"));
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        List<Double> all = new ArrayList<>();
        List<Double> real = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        // Trial 0 warms up: the real agent's exec blocker starts with its first block.
        for (int trial = -1; trial < trials; trial++) {
            byte[] tail = ("kiroku-fleet-bench-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
            byte[] content = Arrays.copyOf(base, base.length + tail.length);
            System.arraycopy(tail, 0, content, base.length, tail.length);
            Path binary = dir.resolve("sample-" + (trial + 1));
            Files.write(binary, content);
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (!runs(binary)) throw new IllegalStateException(binary + " did not run before it was blocked");
            String hash = Sha256.hex(Sha256.digest().digest(content));
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            HttpResponse<String> added = rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + hash + "\"}");
            if (added.statusCode() != 201) throw new IllegalStateException("block list refused: " + added.body());
            long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
            while (runs(binary)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("block of " + hash + " not enforced within 30 s");
                // Probe every 10 ms, not back to back: a spawn loop would take the CPU the agents and the server need.
                Thread.sleep(10);
            }
            double realMillis = (System.nanoTime() - t0) / 1e6;
            waitFor(() -> simulated.stream().allMatch(a -> a.received(hash) != 0), Duration.ofSeconds(30),
                    "every simulated agent to receive the block");
            if (trial >= 0) cpu.add((processCpuNanos() - cpu0) / 1e6);
            if (trial >= 0) {
                real.add(realMillis);
                all.add(realMillis);
                for (SimulatedAgent agent : simulated) all.add((agent.received(hash) - t0) / 1e6);
            }
            Matcher id = ENTRY_ID.matcher(added.body());
            if (id.find()) rest(server, "DELETE", "/api/v1/blocklist/" + id.group(1), null);
            // The next trial starts on a settled server: every unblock arrived and was answered.
            waitFor(() -> simulated.stream().allMatch(a -> a.unblocked(hash) != 0), Duration.ofSeconds(30),
                    "every simulated agent to receive the unblock");
            waitFor(() -> runsQuietly(binary), Duration.ofSeconds(30), "the real agent to unblock");
            Thread.sleep(500);
        }
        double[] values = all.stream().mapToDouble(Double::doubleValue).toArray();
        result.put("block_propagation_p50_ms", round(percentile(values, 50)));
        result.put("block_propagation_p99_ms", round(percentile(values, 99)));
        result.put("block_propagation_real_agent_p99_ms", round(percentile(real.stream().mapToDouble(Double::doubleValue).toArray(), 99)));
        result.put("block_propagation_samples", values.length);
        // CPU of this JVM (server, simulated agents, real agent, probes) from the REST call until the last agent had
        // the block: the work one propagation costs, whatever the machine's load does to the wall-clock time.
        result.put("block_propagation_cpu_ms", round(percentile(cpu.stream().mapToDouble(Double::doubleValue).toArray(), 50)));
        result.put("block_propagation_target_ms", 2000);
    }

    private static boolean runsQuietly(Path binary) {
        try {
            return runs(binary);
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs the binary; false when its exec was refused. */
    private static boolean runs(Path binary) throws Exception {
        try {
            Process p = new ProcessBuilder(binary.toString()).start();
            p.waitFor();
            return true;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Operation not permitted")) return false;
            throw e;
        }
    }

    private static HttpResponse<String> rest(KirokuServer server, String method, String path, String body) throws Exception {
        String credentials = Files.readString(server.credentialsFile()).trim();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        try (HttpClient client = dev.kiroku.server.api.ServerTrust.httpClient(server.caCertificate()).build()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + limit.toSeconds() + " s waiting for " + what);
            Thread.sleep(1);
        }
    }

    /** An enrolled agent that only holds the command push open, notes when each command arrives and answers it. */
    private static final class SimulatedAgent implements AutoCloseable {
        private final FleetClient client;
        private final AutoCloseable call;
        private final Map<String, Long> blockArrivals = new ConcurrentHashMap<>();
        private final Map<String, Long> unblockArrivals = new ConcurrentHashMap<>();
        private final ExecutorService replies = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());

        SimulatedAgent(String address, String token, String agentId, Path directory) throws IOException {
            AgentCredentials credentials = new AgentCredentials(directory);
            Enroller.enrol(address, token, agentId, agentId, credentials);
            client = new FleetClient(address, credentials);
            call = client.listen(this::received, reason -> { });
        }

        private void received(Command command) {
            long now = System.nanoTime();
            String hashes = command.getParametersMap().get("hashes");
            if (command.getType().equals("block_hash") && hashes != null) blockArrivals.putIfAbsent(hashes, now);
            if (command.getType().equals("unblock_hash") && hashes != null) unblockArrivals.putIfAbsent(hashes, now);
            replies.execute(() -> {
                try {
                    client.report(command.getId(), true, "[{\"action\":\"" + command.getType() + "\",\"outcome\":\"done\"}]");
                } catch (Exception e) {
                    // the server keeps the command as delivered; the benchmark only needs its arrival
                }
            });
        }

        long received(String hash) {
            return blockArrivals.getOrDefault(hash, 0L);
        }

        long unblocked(String hash) {
            return unblockArrivals.getOrDefault(hash, 0L);
        }

        @Override
        public void close() {
            try {
                call.close();
            } catch (Exception e) {
                // closing anyway
            }
            replies.shutdown();
            client.close();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
