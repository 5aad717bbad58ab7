package dev.kiroku.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.Enroller;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.server.auth.CredentialsFile;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kiroku bench fleet}: a real server (child process) and N simulated agents in this JVM speaking
 * the real protocol: each enrols with a token (own key, own certificate), then ships one batch a
 * second (or as often as the server's acknowledgements ask, {@code gather_ms}) over mutual TLS at R events per second, retrying a batch until the server acknowledges it,
 * like the agent's shipper. Events are built from the processes running on this machine (their
 * executables, command lines, working directories). Measures the rate stored, ingest-to-searchable
 * latency (a probe batch per second, polled through the REST API), server CPU and RSS, and checks
 * exactly-once: every sequence sent is stored once.
 *
 * <p>The machine is shared, so wall-clock rates depend on its load: the result also gives the
 * server's CPU time per stored event and the rate its cores could carry at that cost
 * ({@code capacity_eps_by_server_cpu}), next to the load average. With
 * {@code -Dkiroku.bench.serverJfr=FILE} the server runs with Java Flight Recorder writing FILE.
 */
public final class FleetBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failed sends by their gRPC status and description's start ("UNAVAILABLE: io exception"), for the result. */
    private static final Map<String, AtomicLong> FAILURE_KINDS = new java.util.concurrent.ConcurrentHashMap<>();
    /** A failed send is retried after a backoff with jitter, doubled at each failure, like the agent's {@code Shipper}. */
    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private FleetBench() {
    }

    /** One simulated agent: its client and the sequences it has had acknowledged. */
    private static final class SimulatedAgent {
        final String id;
        final FleetClient client;
        long nextSequence = 1;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong calls = new AtomicLong();

        SimulatedAgent(String id, FleetClient client) {
            this.id = id;
            this.client = client;
        }
    }

    public static int run(boolean quick, boolean json, int agentsWanted, int rate, PrintStream out, Path work) throws Exception {
        // Each simulated agent builds a TLS context, and the JDK protects the in-memory PKCS#12 key
        // store behind it with 10,000 PBKDF2 rounds: 40 % of this process's CPU while enrolling. The
        // store lives only in memory for the handshake; one round keeps the bench about the server.
        System.setProperty("keystore.pkcs12.keyPbeIterationCount", "1");
        System.setProperty("keystore.pkcs12.macIterationCount", "1");
        int agents = agentsWanted > 0 ? agentsWanted : quick ? 100 : 500;
        int perSecond = rate > 0 ? rate : 20;
        Duration measured = quick ? Duration.ofSeconds(20) : Duration.ofSeconds(90);
        // Sent before the measured window, not measured: the server's compilers and its first flushes and merges
        // were 23 % of a quick run's server CPU (docs/performance.md, fleet, sessions 7 and 8).
        Duration warmUp = Duration.ofSeconds(Long.getLong("kiroku.bench.fleetWarmupSeconds", quick ? 15 : 30));
        PrintStream progress = json ? System.err : out;
        int apiPort = freePort();
        int fleetPort = freePort();
        long runStart = System.nanoTime();
        FleetEnrolmentCache cache = FleetEnrolmentCache.open(work);
        Path serverData = cache.serverData();
        Process server = startServer(serverData, apiPort, fleetPort, work);
        List<SimulatedAgent> fleet = new ArrayList<>();
        try {
            Rest rest = new Rest("http://127.0.0.1:" + apiPort, serverData.resolve("credentials"));
            rest.awaitHealthy(server, Duration.ofSeconds(300)); // a starved machine: 2 min were seen to be too short
            double serverStartSeconds = (System.nanoTime() - runStart) / 1e9;
            String token = rest.post("/api/v1/tokens", "{\"expires\":\"1h\",\"group\":\"bench\"}").path("token").asText();
            List<Template> templates = Template.fromThisMachine();
            List<String> enrolled = cache.enrolledAgents(agents);
            progress.printf("fleet bench: server pid %d; %d agents enrolled in earlier runs (%s), enrolling %d (%d process templates from this machine)%n",
                    server.pid(), enrolled.size(), cache.serverData().getParent(), agents - enrolled.size(), templates.size());
            long enrolStart = System.nanoTime();
            try (ExecutorService enrol = Executors.newFixedThreadPool(8)) {
                List<java.util.concurrent.Future<SimulatedAgent>> futures = new ArrayList<>();
                for (int i = 0; i < agents; i++) {
                    boolean known = i < enrolled.size();
                    String id = known ? enrolled.get(i) : String.format("bench-%04d-%s", i, Long.toHexString(System.nanoTime() & 0xffffff));
                    futures.add(enrol.submit(() -> {
                        AgentCredentials credentials = new AgentCredentials(cache.agent(id));
                        if (!known) Enroller.enrol("127.0.0.1:" + fleetPort, token, id, "host-" + id, credentials);
                        return new SimulatedAgent(id, new FleetClient("127.0.0.1:" + fleetPort, credentials));
                    }));
                }
                for (var future : futures) fleet.add(future.get());
            }
            double enrolSeconds = (System.nanoTime() - enrolStart) / 1e9;
            progress.printf("fleet bench: %d agents enrolled in %.1f s; sending %d events/s each for %d s (warm-up) + %d s (measured)%n",
                    agents - enrolled.size(), enrolSeconds, perSecond, warmUp.toSeconds(), measured.toSeconds());

            String pid = Long.toString(server.pid());
            String loadAtStart = ProcStats.loadAverage();
            long alertsBefore = rest.get("/api/v1/detection/status").path("alerts_opened").asLong();
            long cpuAtStart = ProcStats.cpuMicros(pid);
            AtomicLong sent = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            ConcurrentLinkedQueue<long[]> probes = new ConcurrentLinkedQueue<>(); // {agent index, sequence, sentNanos}
            AtomicLong longestGathering = new AtomicLong(1000);
            long sendStart = System.nanoTime();
            long start = sendStart + warmUp.toNanos(); // the measured window's earliest start
            long end = start + measured.toNanos();
            // the window starts once the warm-up's events are acknowledged: on a loaded machine the first calls
            // (500 TLS handshakes, code not compiled yet) can take longer than the warm-up itself
            long warmUpEvents = (long) (0.9 * agents * perSecond * warmUp.toSeconds());
            long windowStart;
            long cpuBefore;
            long generatorCpuBefore;
            long sentBefore;
            long maxRssKb = 0;
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < fleet.size(); i++) {
                    SimulatedAgent agent = fleet.get(i);
                    int index = i;
                    long offset = (long) (1e9 * i / fleet.size());  // spread the agents over the second
                    senders.submit(() -> send(agent, index, templates, perSecond, sendStart + offset, end, sent, failures, probes, longestGathering));
                }
                List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread prober = Thread.ofPlatform().name("bench-probe").start(() -> probeLoop(rest, fleet, probes, latencies, sending));
                while ((System.nanoTime() < start || sent.get() < warmUpEvents) && System.nanoTime() < end + TimeUnit.MINUTES.toNanos(10)) {
                    Thread.sleep(Math.clamp((start - System.nanoTime()) / 1_000_000, 50, 200));
                    maxRssKb = Math.max(maxRssKb, ProcStats.statusKb(pid, "VmRSS"));
                }
                windowStart = System.nanoTime();
                cpuBefore = ProcStats.cpuMicros(pid);
                generatorCpuBefore = ProcStats.cpuMicros("self");
                sentBefore = sent.get();
                latencies.clear(); // probes of the warm-up (those still polled finish into the window: at most one)
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                    maxRssKb = Math.max(maxRssKb, ProcStats.statusKb(pid, "VmRSS"));
                }
                senders.shutdown();
                senders.awaitTermination(10, TimeUnit.MINUTES);
                sending.set(false);
                long sendersDone = System.nanoTime();
                double wall = (sendersDone - windowStart) / 1e9;
                long cpuAfter = ProcStats.cpuMicros(pid);
                long generatorCpu = ProcStats.cpuMicros("self") - generatorCpuBefore;
                prober.join(Duration.ofMinutes(2));
                long acknowledged = fleet.stream().mapToLong(a -> a.acknowledged.get()).sum();
                long inWindow = sent.get() - sentBefore;
                long alerts = rest.get("/api/v1/detection/status").path("alerts_opened").asLong() - alertsBefore;

                // Exactly-once: every sequence each agent sent is stored once.
                long drainStart = System.nanoTime();
                long stored = 0;
                while (System.nanoTime() - drainStart < TimeUnit.MINUTES.toNanos(2)) {
                    stored = rest.get("/api/v1/events/count?q=" + enc("agent.id:bench-*")).path("count").asLong();
                    if (stored >= acknowledged) break;
                    Thread.sleep(500);
                }
                long inRange = 0;
                long missing = 0;
                for (SimulatedAgent agent : fleet) {
                    long last = agent.acknowledged.get();
                    if (last == 0) continue;
                    JsonNode gaps = rest.get("/api/v1/agents/" + agent.id + "/gaps?from=1&to=" + last);
                    inRange += gaps.path("storedInRange").asLong();
                    for (JsonNode range : gaps.path("missing")) missing += range.path("to").asLong() - range.path("from").asLong() + 1;
                }
                long duplicates = stored - inRange;
                List<Long> sorted = new ArrayList<>(latencies);
                Collections.sort(sorted);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("bench", "fleet");
                result.put("agents", agents);
                result.put("rate_per_agent", perSecond);
                result.put("offered_eps", agents * perSecond);
                result.put("seconds", Math.round(wall * 10) / 10.0);
                result.put("events_sent", acknowledged);
                result.put("events_stored", stored);
                result.put("duplicates", duplicates);
                result.put("missing", missing);
                result.put("send_failures_retried", failures.get());
                result.put("send_failures_by_kind", new java.util.TreeMap<>(FAILURE_KINDS));
                long calls = fleet.stream().mapToLong(a -> a.calls.get()).sum();
                result.put("ship_calls", calls);
                result.put("events_per_call", calls == 0 ? 0 : Math.round(acknowledged * 10.0 / calls) / 10.0);
                // the server asks agents to gather longer when many ship (ShipPacing); events wait that long in the agent
                result.put("longest_gathering_ms", longestGathering.get());
                result.put("warmup_seconds", warmUp.toSeconds());
                result.put("warmup_acknowledged_after_s", Math.round((windowStart - sendStart) / 1e8) / 10.0);
                result.put("events_in_warmup", sentBefore);
                result.put("events_in_measured_window", inWindow);
                result.put("sustained_eps", Math.round(inWindow / wall));
                result.put("p50_ingest_to_search_ms", percentile(sorted, 0.50));
                result.put("p99_ingest_to_search_ms", percentile(sorted, 0.99));
                result.put("latency_samples", sorted.size());
                double cpuSeconds = (cpuAfter - cpuBefore) / 1e6;
                // the senders ship after each gathering; a server that keeps up finishes on time
                double overrun = (sendersDone - end) / 1e9;
                result.put("send_overrun_s", Math.round(overrun * 10) / 10.0);
                // Held: the senders finished on schedule (within 1 s plus their last gathering), so no lag grew; then the
                // rate offered is a lower bound of the maximum, else the rate stored is the maximum this machine gave the server.
                boolean held = overrun <= 1 + longestGathering.get() / 1000.0;
                result.put("held_offered_rate", held);
                result.put("max_sustainable_eps", held ? agents * perSecond : Math.round(inWindow / wall));
                result.put("max_sustainable_is_lower_bound", held);
                result.put("server_cpu_cores", Math.round(cpuSeconds / wall * 100) / 100.0);
                // steady state: the measured window's server CPU per event acknowledged in it
                result.put("server_cpu_us_per_event", inWindow == 0 ? -1 : Math.round(cpuSeconds * 1e6 / inWindow));
                // the simulated agents share the machine's cores with the server: what they cost in the same window
                result.put("generator_cpu_cores", Math.round(generatorCpu / 1e6 / wall * 100) / 100.0);
                result.put("generator_cpu_us_per_event", inWindow == 0 ? -1 : Math.round(generatorCpu / (double) inWindow));
                result.put("capacity_eps_by_server_cpu", cpuSeconds <= 0 ? -1
                        : Math.round(inWindow / cpuSeconds * Runtime.getRuntime().availableProcessors()));
                // warm-up and window together, as the bench measured before it had a warm-up (comparable with older runs)
                result.put("server_cpu_us_per_event_with_warmup", acknowledged == 0 ? -1 : Math.round((cpuAfter - cpuAtStart) / (double) acknowledged));
                result.put("alerts_opened", alerts);
                result.put("load_average_at_start", loadAtStart);
                result.put("server_rss_mb", maxRssKb / 1024);
                result.put("server_start_seconds", Math.round(serverStartSeconds * 10) / 10.0);
                result.put("enrol_seconds", Math.round(enrolSeconds * 10) / 10.0);
                result.put("agents_enrolled_in_earlier_runs", enrolled.size());
                result.put("run_seconds_before_server_stop", Math.round((System.nanoTime() - runStart) / 1e8) / 10.0);
                result.put("exactly_once", duplicates == 0 && missing == 0 && stored == acknowledged);
                if (json) {
                    out.println(JSON.writeValueAsString(result));
                } else {
                    result.forEach((k, v) -> out.printf("  %-26s %s%n", k, v));
                }
                return duplicates == 0 && missing == 0 ? 0 : 1;
            }
        } finally {
            for (SimulatedAgent agent : fleet) agent.client.close();
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
            cache.close();
        }
    }

    /**
     * One agent's loop: a batch every second, or as often as the server's acknowledgements ask ({@code gather_ms},
     * at most 5 s) with that many seconds' events, sent again until acknowledged (like the agent's shipper). The
     * batch does not grow when the agent falls behind: with catch-up batches (up to 2,000 events, as a real journal
     * would send) an overloaded server finished calls after the client's 60 s deadline, every agent sent its large
     * batch again, and the run collapsed into retries (docs/performance.md, session 6).
     */
    private static void send(SimulatedAgent agent, int index, List<Template> templates, int perSecond, long firstTick, long end,
                             AtomicLong sent, AtomicLong failures, ConcurrentLinkedQueue<long[]> probes, AtomicLong longestGathering) {
        SplittableRandom random = new SplittableRandom(index);
        long tick = firstTick;
        long lastProbe = 0;
        while (tick < end) {
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
            Duration requested = agent.client.requestedGathering();
            long gatherMillis = requested == null ? 1000 : Math.clamp(requested.toMillis(), 1000, 5000);
            longestGathering.accumulateAndGet(gatherMillis, Math::max);
            int events = (int) Math.max(1, Math.round(perSecond * gatherMillis / 1000.0));
            List<Event> batch = new ArrayList<>(events);
            Instant now = Instant.now();
            for (int i = 0; i < events; i++) {
                batch.add(templates.get(random.nextInt(templates.size())).event(agent.id, agent.nextSequence++, now, random));
            }
            long sentAt = System.nanoTime();
            long backoffMillis = FIRST_BACKOFF_MILLIS;
            while (true) {
                try {
                    agent.client.deliver(batch);
                    agent.calls.incrementAndGet();
                    break;
                } catch (EventSink.DeliveryException e) {
                    failures.incrementAndGet();
                    FAILURE_KINDS.computeIfAbsent(failureKind(e), k -> new AtomicLong()).incrementAndGet();
                    try {
                        // as the agent's shipper does; a fixed 200-500 ms pause retried into a channel still in its reconnect
                        // back-off, where every call fails at once, so one failed handshake counted as many failed sends
                        Thread.sleep(backoffMillis / 2 + random.nextLong(backoffMillis / 2 + 1));
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MILLIS);
                }
            }
            agent.acknowledged.set(agent.nextSequence - 1);
            sent.addAndGet(batch.size());
            // every agent offers a probe now and then; the prober takes one per second
            if (sentAt - lastProbe > TimeUnit.SECONDS.toNanos(5) && random.nextInt(4) == 0) {
                probes.add(new long[]{index, agent.nextSequence - 1, sentAt});
                lastProbe = sentAt;
            }
            tick += TimeUnit.MILLISECONDS.toNanos(gatherMillis);
        }
    }

    /** A failed send's kind: the status code and the first words of its description (agent ids and numbers left out). */
    private static String failureKind(EventSink.DeliveryException e) {
        String message = String.valueOf(e.getMessage()).replaceFirst("^server: ", "").replaceAll("[0-9]+", "N");
        return message.length() > 60 ? message.substring(0, 60) : message;
    }

    /** Once a second takes the newest probe and polls the REST API until that event is searchable. */
    private static void probeLoop(Rest rest, List<SimulatedAgent> fleet, ConcurrentLinkedQueue<long[]> probes, List<Long> latencies,
                                  java.util.concurrent.atomic.AtomicBoolean sending) {
        while (sending.get()) {
            long[] probe = null;
            for (long[] p; (p = probes.poll()) != null; ) probe = p;
            if (probe == null) {
                sleep(100);
                continue;
            }
            String q = "agent.id:\"" + fleet.get((int) probe[0]).id + "\" AND event.sequence:" + probe[1];
            long deadline = probe[2] + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    if (rest.get("/api/v1/events/count?q=" + enc(q)).path("count").asLong() > 0) {
                        latencies.add((System.nanoTime() - probe[2]) / 1_000_000);
                        break;
                    }
                } catch (IOException e) {
                    // the server is busy; poll again
                }
                // Every poll is a search the server pays for: poll at 5 % of the time waited so far (25-250 ms),
                // so a slow probe does not add its own load (it was 7 % of the server's CPU at 25 ms).
                sleep(Math.clamp((System.nanoTime() - probe[2]) / 20_000_000, 25, 250));
            }
            sleep(Math.max(0, 1000 - (System.nanoTime() - probe[2]) / 1_000_000));
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) return -1;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static Process startServer(Path data, int apiPort, int fleetPort, Path work) throws IOException {
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        String jfr = System.getProperty("kiroku.bench.serverJfr");
        if (jfr != null) command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.kiroku.cli.Main", "server", "--data", data.toString(), "--port", Integer.toString(apiPort),
                "--fleet-port", Integer.toString(fleetPort),
                "--plain-http")); // REST here only reads progress; the measured path is the agents' gRPC
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("fleet-server.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A process seen on this machine, from which exec, exit, file and network events are made;
     * network events only from processes that opened a socket themselves (one their parent does not
     * hold): a shell that only inherited its child's socket never connects, and would raise a
     * "shell opens a network connection" alert for every such event. Programs not on disk are left out.
     */
    private record Template(String executable, List<String> args, String cwd, boolean networked) {
        private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("/(tmp|var/tmp|dev/shm)/");

        static List<Template> fromThisMachine() throws IOException {
            List<Template> templates = new ArrayList<>();
            try (var proc = Files.list(Path.of("/proc"))) {
                for (Path dir : proc.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
                        // A program run from memory or deleted (a sealed memfd here) is rare on an endpoint;
                        // as a template it was in 15 % of all events, each a "fileless execution" alert.
                        if (!Files.isRegularFile(Path.of(exe))) continue;
                        byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
                        List<String> args = new ArrayList<>();
                        for (String arg : new String(raw, StandardCharsets.UTF_8).split("\u0000")) {
                            if (!arg.isEmpty()) args.add(arg.length() > 200 ? arg.substring(0, 200) : arg);
                        }
                        if (args.size() > 20) args = args.subList(0, 20);
                        // Programs and scripts run from a temporary directory are passing build, test and benchmark
                        // scripts on this machine (`bash /tmp/run.sh`): every event of theirs raised "process executed
                        // from a temporary directory", 1-5 % of all events, so the alert load followed what else ran.
                        if (TEMPORARY.matcher(exe).lookingAt() || args.stream().anyMatch(a -> TEMPORARY.matcher(a).lookingAt())) continue;
                        templates.add(new Template(exe, List.copyOf(args), Files.readSymbolicLink(dir.resolve("cwd")).toString(),
                                holdsSocket(dir)));
                    } catch (IOException | RuntimeException e) {
                        // kernel threads and processes that exited meanwhile have no executable to read
                    }
                }
            }
            if (templates.isEmpty()) throw new IOException("no readable process under /proc to build events from");
            return templates;
        }

        /** Whether the process holds a socket its parent does not (one it opened, not one it inherited). */
        private static boolean holdsSocket(Path process) {
            Set<String> own = sockets(process);
            if (own.isEmpty()) return false;
            try {
                String stat = Files.readString(process.resolve("stat"));
                String ppid = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1];
                own.removeAll(sockets(process.resolveSibling(ppid)));
            } catch (IOException | RuntimeException e) {
                // the parent is gone or unreadable: the sockets count as the process's own
            }
            return !own.isEmpty();
        }

        private static Set<String> sockets(Path process) {
            Set<String> sockets = new HashSet<>();
            try (var fds = Files.list(process.resolve("fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:")) sockets.add(target);
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException e) {
                // not ours to read, or exited
            }
            return sockets;
        }

        Event event(String agentId, long sequence, Instant now, SplittableRandom random) {
            int pid = 1000 + random.nextInt(400_000);
            ProcessInfo process = new ProcessInfo(agentId + "-" + pid, pid, now.minusMillis(random.nextInt(60_000)),
                    new ProcessInfo.ParentRef(agentId + "-1", 1, "/usr/lib/systemd/systemd", List.of("/sbin/init")),
                    executable, args, cwd, null, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
            var payload = switch (random.nextInt(networked ? 4 : 3)) {
                case 0 -> new ProcessStart(process, false);
                case 1 -> new ProcessExit(process, 0, 0);
                case 2 -> new FileChange(FileChange.Action.values()[random.nextInt(FileChange.Action.values().length)],
                        cwd + "/file-" + random.nextInt(1000) + ".log", null, false, process);
                default -> new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0." + random.nextInt(250), 30000 + random.nextInt(30000),
                        "192.0.2." + random.nextInt(250), 443, true, process);
            };
            return new Event(agentId, sequence, now, "host-" + agentId, List.of(), payload);
        }
    }

    /** The REST API with the server's first admin credentials. */
    private record Rest(String base, Path credentials) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        JsonNode get(String path) throws IOException {
            return send(request(path).GET().build(), path);
        }

        JsonNode post(String path, String body) throws IOException {
            return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), path);
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            String authorization = CredentialsFile.authorization(credentials);
            return authorization == null ? builder : builder.header("Authorization", authorization);
        }

        private JsonNode send(HttpRequest request, String path) throws IOException {
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 300) throw new IOException(path + ": " + response.statusCode() + " " + response.body());
                return JSON.readTree(response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        void awaitHealthy(Process server, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!server.isAlive()) throw new IOException("the server exited with " + server.exitValue() + " (see its log)");
                try {
                    get("/api/v1/health");
                    return;
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            throw new IOException("the server did not become healthy within " + timeout);
        }
    }
}
