package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fleet-wide YARA sweeps through the REST API with real enrolled agents over mutual TLS: per-endpoint progress while
 * the scans run under an I/O budget, matches that become alerts, process memory sweeps by process name, and an
 * offline endpoint that gets the sweep when it returns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YaraSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    KirokuServer server;
    Api api;
    final List<FleetAgent> agents = new ArrayList<>();
    Path work;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        work = directory;
        server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30))
                .withFleetPort(0), InstantSource.system()).start();
        api = new Api(server.url(), server.credentialsFile());
        agents.add(agent("sweep-a"));
        agents.add(agent("sweep-b"));
    }

    private FleetAgent agent(String host) throws Exception {
        AgentConfig config = AgentConfig.defaults(work.resolve(host), host).withSensors(new AgentConfig.Sensors(false, false, false, false));
        String token = server.fleet().createToken(Duration.ofMinutes(5), "test", "test");
        return FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(), token, Duration.ofMillis(300), InstantSource.system());
    }

    @AfterAll
    void stop() {
        agents.forEach(FleetAgent::close);
        if (server != null) server.close();
    }

    private static ObjectNode sweep(String marker, String rule) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("rules").addObject().put("name", rule + ".yar")
                .put("source", "rule " + rule + " { meta: description = \"sweep test\" strings: $a = \"" + marker + "\" condition: $a }");
        return body;
    }

    private JsonNode awaitFinished(String id) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode states = api.get("/api/v1/yara/sweeps/" + id).path("states");
            return states.path("pending").asInt() + states.path("running").asInt() == 0;
        });
        return api.get("/api/v1/yara/sweeps/" + id);
    }

    /** Sweeps every enrolled endpoint: the two started first, and the one of the offline test if it ran before. */
    @Test
    void aFleetSweepShowsProgressPerEndpointAndItsMatchesBecomeAlerts() throws Exception {
        String marker = "KIROKU-SWEEP-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path tree = Files.createDirectories(work.resolve("tree"));
        Random random = new Random(7);
        for (int i = 0; i < 24; i++) {
            byte[] content = new byte[64 * 1024];
            random.nextBytes(content);
            Files.write(tree.resolve("file-" + i + ".bin"), content);
        }
        Files.writeString(tree.resolve("dropper.sh"), "#!/bin/sh\n# " + marker + "\n");
        ObjectNode body = sweep(marker, "sweep_marker");
        body.putArray("paths").add(tree.toString());
        // 256 KiB/s over ~1.5 MiB: each endpoint scans for about six seconds, long enough to be seen running.
        body.putObject("options").put("bytesPerSecond", 256 * 1024).put("dutyCycle", 1.0).put("maxFileSize", 1 << 20)
                .put("timeoutSeconds", 60).put("maxRegionChunk", 0);

        int endpoints = agents.size();
        JsonNode started = api.post("/api/v1/yara/sweeps", body.toString());
        String id = started.path("sweep").path("id").asText();
        assertThat(started.path("endpoints")).hasSize(endpoints);

        Set<Integer> runningPercents = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode endpoint : api.get("/api/v1/yara/sweeps/" + id).path("endpoints")) {
                if (endpoint.path("state").asText().equals("running")) runningPercents.add(endpoint.path("percent").asInt());
            }
            return runningPercents.stream().anyMatch(p -> p > 0 && p < 100);
        });

        JsonNode finished = awaitFinished(id);
        assertThat(finished.path("states").path("done").asInt()).as(finished.toString()).isEqualTo(endpoints);
        assertThat(finished.path("matches").asInt()).isEqualTo(endpoints);
        assertThat(finished.path("percent").asInt()).isEqualTo(100);
        for (JsonNode endpoint : finished.path("endpoints")) {
            assertThat(endpoint.path("filesScanned").asLong()).isEqualTo(25);
            assertThat(endpoint.path("matches").asInt()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> alerts("yara:sweep_marker").size() == endpoints);
        for (JsonNode alert : alerts("yara:sweep_marker")) {
            JsonNode event = alert.path("events").get(0);
            assertThat(event.path("file.path").asText()).isEqualTo(tree.resolve("dropper.sh").toString());
            assertThat(event.path("kiroku.yara.sweep").asText()).isEqualTo(id);
            assertThat(alert.path("host_name").asText()).startsWith("sweep-");
        }
        // Collecting again must not alert twice.
        Thread.sleep(2500);
        assertThat(alerts("yara:sweep_marker")).hasSize(endpoints);
    }

    @Test
    void aSweepOfOneEndpointScansTheMemoryOfProcessesChosenByName() throws Exception {
        String token = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path shell = work.resolve("kswp-holder");
        Files.copy(Path.of("/bin/bash"), shell, StandardCopyOption.REPLACE_EXISTING);
        shell.toFile().setExecutable(true);
        // The marker exists only in the shell's heap: the script holds the prefix, argv only the token.
        Process holder = new ProcessBuilder(shell.toString(), "-c", "m=\"KIROKU-MEM-$1\"; echo ready; read -r _", "holder", token)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine()).isEqualTo("ready");
            ObjectNode body = sweep("KIROKU-MEM-" + token, "sweep_memory");
            body.putArray("processes").add("kswp-hold*");
            String agentId = agents.getFirst().agent().agentId();
            ((ArrayNode) body.putArray("endpoints")).add(agentId);

            JsonNode finished = awaitFinished(api.post("/api/v1/yara/sweeps", body.toString()).path("sweep").path("id").asText());
            assertThat(finished.path("endpoints")).singleElement().satisfies(e -> {
                assertThat(e.path("agentId").asText()).isEqualTo(agentId);
                assertThat(e.path("state").asText()).isEqualTo("done");
                assertThat(e.path("processesScanned").asInt()).isEqualTo(1);
                assertThat(e.path("matches").asInt()).isEqualTo(1);
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts("yara:sweep_memory").size() == 1);
            assertThat(alerts("yara:sweep_memory").getFirst().path("events").get(0).path("process.pid").asLong()).isEqualTo(holder.pid());
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOfflineEndpointGetsTheSweepWhenItReturns() throws Exception {
        String marker = "KIROKU-LATE-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path file = work.resolve("late.txt");
        Files.writeString(file, marker);
        FleetAgent late = agent("sweep-late");
        String lateId = late.agent().agentId();
        late.close();

        ObjectNode body = sweep(marker, "sweep_late");
        body.putArray("paths").add(file.toString());
        body.putArray("endpoints").add(lateId);
        String id = api.post("/api/v1/yara/sweeps", body.toString()).path("sweep").path("id").asText();
        Thread.sleep(1500);
        JsonNode waiting = api.get("/api/v1/yara/sweeps/" + id);
        assertThat(waiting.path("endpoints").get(0).path("state").asText()).as(waiting.toString()).isEqualTo("pending");

        AgentConfig config = AgentConfig.defaults(work.resolve("sweep-late"), "sweep-late")
                .withSensors(new AgentConfig.Sensors(false, false, false, false));
        agents.add(FleetAgent.start(config, null, null, Duration.ofMillis(300), InstantSource.system()));
        JsonNode finished = awaitFinished(id);
        assertThat(finished.path("endpoints").get(0).path("state").asText()).as(finished.toString()).isEqualTo("done");
        assertThat(finished.path("matches").asInt()).isEqualTo(1);
    }

    @Test
    void theCommandLineStartsASweepAndFollowsItPerEndpoint() throws Exception {
        String marker = "KIROKU-CLI-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path file = work.resolve("cli-target.txt");
        Files.writeString(file, "a " + marker + " b");
        Path rules = work.resolve("cli.yar");
        Files.writeString(rules, "rule sweep_cli { strings: $a = \"" + marker + "\" condition: $a }\n");
        System.setProperty("kiroku.credentials", server.credentialsFile().toString());
        String agentId = agents.getFirst().agent().agentId();

        CommandLineTest.Run run = CommandLineTest.kiroku("yara", "sweep", "--server", server.url(), rules.toString(),
                "--paths", file.toString(), "--endpoints", agentId, "--wait");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).containsPattern("sweep-a +done +100%").contains("1 matches; done 1, failed 0");
        String id = run.out().lines().findFirst().orElseThrow().split(" ")[1];
        assertThat(CommandLineTest.kiroku("yara", "sweeps", "--server", server.url()).out()).contains(id);
        assertThat(CommandLineTest.kiroku("yara", "sweeps", "--server", server.url(), id).out()).containsPattern("sweep-a +done");
    }

    @Test
    void aSweepWithoutTargetsOrWithAnUnknownEndpointIsRefusedWithTheReason() {
        ObjectNode noTargets = sweep("x", "r");
        assertThat(api.status("/api/v1/yara/sweeps")).isEqualTo(200);
        assertThat(refusal(noTargets)).contains("'paths'");
        ObjectNode unknown = sweep("x", "r");
        unknown.putArray("paths").add("/tmp");
        unknown.putArray("endpoints").add("no-such-agent");
        assertThat(refusal(unknown)).contains("no endpoint 'no-such-agent'");
    }

    private String refusal(ObjectNode body) {
        try {
            api.post("/api/v1/yara/sweeps", body.toString());
            throw new IllegalStateException("the sweep was accepted: " + body);
        } catch (AssertionError e) {
            assertThat(e.getMessage()).contains("-> 400");
            return e.getMessage();
        }
    }

    private List<JsonNode> alerts(String rule) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/alerts?limit=100&rule=" + Api.encode(rule)).path("alerts").forEach(out::add);
        return out;
    }
}
