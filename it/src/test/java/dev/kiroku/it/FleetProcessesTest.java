package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.sensor.linux.audit.AuditLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server and the agent as separate processes talking gRPC with mutual TLS: enrolment with a token,
 * a bad token refused, a storm across a kill -9 of the server and of the agent, then restarts (every
 * recorded sequence stored exactly once), a command issued while the agent is offline delivered when
 * it returns, and a revoked agent refused at once.
 */
class FleetProcessesTest {
    
    @Test
    void enrolmentStormAcrossCrashesOfflineCommandAndRevocation(@TempDir Path data) throws Exception {
        Root.required();
        Path watched = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-fleet-");
        int apiPort = KirokuProcesses.freePort();
        int fleetPort = KirokuProcesses.freePort();
        Path serverData = data.resolve("server");
        Path agentData = data.resolve("agent");
        Api api = new Api("https://127.0.0.1:" + apiPort, serverData.resolve("credentials"));
        KirokuProcesses processes = new KirokuProcesses(data);
        Process storm = null;
        try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(10))) {
            Process server = processes.start("server-1", "server", "--data", serverData.toString(), "--port", "" + apiPort,
                    "--fleet-port", "" + fleetPort, "--offline-after", "5s");
            KirokuProcesses.awaitHealthy(api);
            assertThat(processes.logText("server-1")).contains("created the user 'admin' with password");
            String token = api.post("/api/v1/tokens", "{\"expires\":\"1h\"}").path("token").asText();

            // A token the server did not issue: the agent exits with the server's reason.
            String forged = "K1." + "A".repeat(43) + "." + token.substring(token.lastIndexOf('.') + 1);
            Process refused = processes.start("agent-refused", "agent", "--data", data.resolve("refused").toString(),
                    "--server", "127.0.0.1:" + fleetPort, "--token", forged, "--watch", watched.toString());
            assertThat(refused.waitFor()).isEqualTo(1);
            assertThat(processes.logText("agent-refused")).contains("did not issue that token");

            Process agent = startAgent(processes, "agent-1", agentData, fleetPort, token, watched);
            String agentId = await().atMost(Duration.ofSeconds(60)).until(() -> onlineAgent(api), id -> id != null);
            JsonNode endpoint = api.get("/api/v1/endpoints/" + agentId);
            assertThat(endpoint.path("inventory").path("kernel").asText()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
            assertThat(endpoint.path("inventory").path("isolation").asText()).as("the agent runs response, so its isolation state is known").isEqualTo("not isolated");
            assertThat(endpoint.path("inventory").path("sensors").size()).isPositive();

            String marker = "kiroku-fleet-" + UUID.randomUUID();
            Path stop = watched.resolve("stop-storm");
            storm = new ProcessBuilder("/bin/bash", "-c",
                    "i=0; while [ ! -e \"$2\" ]; do i=$((i+1)); /bin/true \"$1\" $i; sleep 0.01; done", "storm", marker, stop.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(3000);
            server.destroyForcibly().waitFor();                    // kill -9 of the server mid-storm: what it acknowledged
                                                                   // since its last store commit is in its write-ahead log
            agent.destroyForcibly().waitFor();                     // kill -9 of the agent mid-storm
            server = processes.start("server-2", "server", "--data", serverData.toString(), "--port", "" + apiPort,
                    "--fleet-port", "" + fleetPort, "--offline-after", "5s");
            KirokuProcesses.awaitHealthy(api);
            assertThat(processes.logText("server-2")).doesNotContain("created the user");
            System.out.println("fleet test: server restart after kill -9: " + processes.logText("server-2").lines()
                    .filter(line -> line.contains("ingest log")).findFirst().orElse("nothing to replay from the ingest log"));

            // While the agent is offline, a command waits for it.
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/endpoints/" + agentId).path("status").asText().equals("offline"));
            String commandId = api.post("/api/v1/commands", "{\"target\":\"agent:" + agentId + "\",\"type\":\"ping\","
                    + "\"parameters\":{\"echo\":\"while-you-were-away\"},\"expires\":\"10m\"}").path("id").asText();
            assertThat(api.get("/api/v1/commands/" + commandId).path("deliveries").get(0).path("state").asText()).isEqualTo("pending");

            agent = startAgent(processes, "agent-2", agentData, fleetPort, null, watched);
            Thread.sleep(2000);
            Files.createFile(stop);
            storm.waitFor();
            JsonNode delivery = await().atMost(Duration.ofSeconds(60)).until(
                    () -> api.get("/api/v1/commands/" + commandId).path("deliveries").get(0),
                    d -> d.path("state").asText().equals("succeeded"));
            assertThat(delivery.path("output").asText()).contains("pong from " + agentId).contains("echo=while-you-were-away");

            JsonNode status = await().atMost(Duration.ofSeconds(300)).until(() -> KirokuProcesses.agentStatus(agentData),
                    KirokuProcesses::caughtUp);
            long last = status.path("journal").path("lastSequence").asLong();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.count("agent.id:\"" + agentId + "\"")).isGreaterThanOrEqualTo(last));
            JsonNode gaps = api.get("/api/v1/agents/" + agentId + "/gaps?from=1&to=" + last);
            assertThat(gaps.path("missing")).as("sequence gaps after kill -9 of the server and the agent").isEmpty();
            assertThat(gaps.path("storedInRange").asLong()).as("events recorded == events stored").isEqualTo(last);
            assertThat(api.count("agent.id:\"" + agentId + "\" AND event.sequence:[1 TO " + last + "]")).as("no duplicates").isEqualTo(last);
            assertThat(api.count("event.action:exec AND process.name:true AND process.args:\"" + marker + "\"")).isPositive();
            System.out.printf("fleet test: %d events recorded and stored exactly once across a kill -9 of the server and of the agent%n", last);

            // Revocation: refused at once, shown as revoked, nothing more stored.
            api.post("/api/v1/endpoints/" + agentId + "/revoke", null);
            assertThat(api.get("/api/v1/endpoints/" + agentId).path("status").asText()).isEqualTo("revoked");
            await().atMost(Duration.ofSeconds(60)).until(() -> KirokuProcesses.agentStatus(agentData),
                    s -> s != null && s.path("shipping").path("lastError").asText().contains("revoked"));
            // what was stored before the revocation becomes searchable at the store's next refresh
            Thread.sleep(dev.kiroku.server.ingest.StoreIngest.REFRESH_EVERY.toMillis() + 1000);
            long storedAtRevocation = api.count("agent.id:\"" + agentId + "\"");
            Files.writeString(watched.resolve("after-revocation"), "x");
            Thread.sleep(3000);
            assertThat(api.count("agent.id:\"" + agentId + "\"")).isEqualTo(storedAtRevocation);
            assertThat(api.get("/api/v1/audit").path("audit").toString()).contains("agent.revoke").contains("command.issue");
        } finally {
            if (storm != null) storm.destroyForcibly();
            processes.close();
            Scratch.delete(watched);
        }
    }

    private static Process startAgent(KirokuProcesses processes, String name, Path agentData, int fleetPort, String token,
                                      Path watched) throws IOException {
        List<String> args = new ArrayList<>(List.of("agent", "--data", agentData.toString(), "--server", "127.0.0.1:" + fleetPort,
                "--watch", watched.toString(), "--heartbeat", "1s"));
        if (token != null) args.addAll(List.of("--token", token));
        return processes.start(name, args.toArray(String[]::new));
    }

    private static String onlineAgent(Api api) {
        for (JsonNode endpoint : api.get("/api/v1/endpoints").path("endpoints")) {
            if (endpoint.path("status").asText().equals("online") && endpoint.path("inventory").has("kernel")) {
                return endpoint.path("agentId").asText();
            }
        }
        return null;
    }
}
