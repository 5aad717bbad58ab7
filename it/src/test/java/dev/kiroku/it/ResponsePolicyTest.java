package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Automatic response end to end: policies set through the REST API, an alert raised by the server's own detection
 * on an event about a real process of a real agent, the process tree killed by that agent and the hash put on the
 * block list by one policy, an isolation only described by a dry-run policy; every action recorded as
 * {@code policy:<name>} in the run log, the audit trail and the alert's incident.
 */
class ResponsePolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMatchingAlertRunsThePoliciesActionsAndADryRunOnlyRecordsThem(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start();
             FleetAgent agent = FleetAgent.start(AgentConfig.defaults(directory.resolve("agent"), "policy-host")
                             .withSensors(new AgentConfig.Sensors(false, false, false, false)),
                     "127.0.0.1:" + server.fleet().port(), server.fleet().createToken(Duration.ofMinutes(5), "lab", "test"),
                     Duration.ofSeconds(10), InstantSource.system(), true)) {
            String agentId = agent.agent().agentId();
            HttpResponse<String> bad = rest(server, "POST", "/api/v1/response/policies",
                    "{\"name\":\"x\",\"conditions\":{\"min_level\":\"severe\"},\"actions\":[\"reboot\"]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("min_level").contains("'reboot'");

            String contain = created(rest(server, "POST", "/api/v1/response/policies", """
                    {"name":"contain chattr","enabled":true,"dry_run":false,
                     "conditions":{"rule_ids":[],"min_level":"high","tags":["attack.t1222.002"],"endpoints":["group:lab"]},
                     "actions":["kill_tree","block_hash"]}"""));
            String rehearse = created(rest(server, "POST", "/api/v1/response/policies", """
                    {"name":"rehearse isolation","dry_run":true,"conditions":{"endpoints":["%s"]},"actions":["isolate"]}"""
                    .formatted(agentId)));
            created(rest(server, "POST", "/api/v1/response/policies", """
                    {"name":"analyze chattr","conditions":{"tags":["attack.t1222.002"]},"actions":["analyze_file"]}"""));
            String other = created(rest(server, "POST", "/api/v1/response/policies", """
                    {"name":"other group","conditions":{"endpoints":["group:elsewhere"]},"actions":["isolate"]}"""));
            assertThat(rest(server, "PUT", "/api/v1/response/policies/" + other, """
                    {"name":"other group, off","enabled":false,"conditions":{"endpoints":["group:elsewhere"]},"actions":["isolate"]}""")
                    .body()).contains("\"enabled\":false");
            assertThat(rest(server, "PUT", "/api/v1/response/policies/nope", "{\"name\":\"n\",\"actions\":[\"isolate\"]}").statusCode())
                    .isEqualTo(404);
            JsonNode listed = JSON.readTree(rest(server, "GET", "/api/v1/response/policies", null).body()).path("policies");
            assertThat(listed).hasSize(4);

            Process victim = new ProcessBuilder("sleep", "300").start();
            Process child = null;
            try {
                String sha256 = "ab".repeat(32);
                ProcessInfo chattr = new ProcessInfo(EntityIds.process(agentId, (int) victim.pid(), startTicks(victim.pid())),
                        (int) victim.pid(), Instant.now(), null, "/usr/bin/chattr", List.of("chattr", "+i", "/etc/cron.d/job"), "/root",
                        sha256, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
                server.ingest().deliver(List.of(new Event(agentId, 1, Instant.now(), "policy-host", List.of(), new ProcessStart(chattr, false))));

                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).as("the policy's kill reached the agent").isTrue();
                JsonNode runs = await().atMost(Duration.ofSeconds(30)).until(
                        () -> JSON.readTree(rest(server, "GET", "/api/v1/response/policy-runs", null).body()).path("runs"), r -> r.size() >= 4 && r.toString().contains("analyze_file") && r.toString().contains("block_hash"));
                // The event raises several alerts (every rule it matches); the dry-run policy matches each of them, the
                // containing policy only the one with its tag.
                List<String> described = new java.util.ArrayList<>();
                runs.forEach(r -> described.add(r.path("actor").asText() + " " + r.path("action").asText() + " " + r.path("outcome").asText()));
                assertThat(described).filteredOn(d -> d.startsWith("policy:contain chattr"))
                        .containsExactlyInAnyOrder("policy:contain chattr kill_tree issued", "policy:contain chattr block_hash done");
                assertThat(described).filteredOn(d -> d.startsWith("policy:analyze chattr"))
                        .containsExactly("policy:analyze chattr analyze_file issued");
                assertThat(described).filteredOn(d -> !d.startsWith("policy:contain chattr") && !d.startsWith("policy:analyze chattr"))
                        .isNotEmpty().containsOnly("policy:rehearse isolation isolate dry_run");
                assertThat(rest(server, "GET", "/api/v1/blocklist", null).body()).contains(sha256).contains("policy contain chattr");
                assertThat(server.fleet().commands(null, 100)).noneMatch(c -> "isolate".equals(c.get("type")));
                await().atMost(Duration.ofSeconds(30)).until(() -> server.fleet().commands(null, 100).stream()
                        .anyMatch(c -> "kill".equals(c.get("type")) && "succeeded".equals(c.get("state"))));
                assertThat(rest(server, "GET", "/api/v1/audit", null).body()).contains("policy:contain chattr")
                        .contains("policy:rehearse isolation");
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode incidents = JSON.readTree(rest(server, "GET", "/api/v1/incidents", null).body());
                    return incidents.toString().contains("policy:contain chattr") && incidents.toString().contains("dry-run isolate");
                });
                // analyze_file: the agent collected the executable and the server submitted it to the sandbox.
                String chattrSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(Path.of("/usr/bin/chattr"))));
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        rest(server, "GET", "/api/v1/sandbox/samples/" + chattrSha256, null).statusCode() == 200);
                assertThat(rest(server, "GET", "/api/v1/sandbox/samples/" + chattrSha256, null).body()).contains("chattr");
                String collect = server.fleet().commands(null, 100).stream().filter(c -> "collect".equals(c.get("type")))
                        .map(c -> String.valueOf(c.get("id"))).findFirst().orElseThrow();
                assertThat(rest(server, "POST", "/api/v1/sandbox/collected/" + collect, null).body())
                        .as("an analyst sends a collected file to the sandbox").contains(chattrSha256).contains("/usr/bin/chattr");
                assertThat(rest(server, "POST", "/api/v1/sandbox/collected/nope", null).statusCode()).isEqualTo(404);
            } finally {
                victim.destroyForcibly();
            }
            assertThat(rest(server, "DELETE", "/api/v1/response/policies/" + rehearse, null).statusCode()).isEqualTo(200);
            assertThat(rest(server, "DELETE", "/api/v1/response/policies/" + rehearse, null).statusCode()).isEqualTo(404);
            assertThat(contain).isNotBlank();
        }
    }

    private static long startTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    private static String created(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("id").asText();
    }
}
