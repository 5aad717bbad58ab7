package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.sensor.linux.audit.AuditLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two endpoints on one machine (ADR 4): the real server runs in a network namespace {@code kiroku-srv-PID} reached
 * from the host over a veth pair at two addresses, and two agents run as separate processes in the host namespace,
 * scoped with {@code --scope netns:kiroku-epa-PID} and {@code netns:kiroku-epb-PID} (the agents stay in the host
 * namespace because the audit multicast group and the proc connector only deliver there; each agent's own traffic
 * still crosses the server's namespace, where the test can cut it).
 * <ol>
 *     <li>Commands run inside each namespace with {@code ip netns exec} are found through the search API under the
 *     agent of that namespace only.</li>
 *     <li>Agent A's path to the server is cut for a minute by an nftables drop rule inside the server's namespace
 *     (the host's own network configuration is never touched) while A keeps recording and B keeps shipping; after
 *     the rule is removed every event A recorded arrives, exactly once.</li>
 * </ol>
 */
class NamespaceEndpointsTest {
    private static final Duration CUT = Duration.ofSeconds(60);

    @Test
    void scopedAgentsAreSeparateEndpointsAndACutAgentCatchesUpExactlyOnce(@TempDir Path data) throws Exception {
        Root.required();
        Path watched = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-netns-");
        int apiPort = KirokuProcesses.freePort();
        int fleetPort = KirokuProcesses.freePort();
        Subnet subnet = Subnet.forThisProcess();
        String serverAddress = subnet.address(2);
        String addressForA = serverAddress;
        String addressForB = subnet.address(3);
        KirokuProcesses processes = new KirokuProcesses(data);
        List<NetworkNamespace> namespaces = new ArrayList<>();
        try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(15))) {
            NetworkNamespace serverSide = NetworkNamespace.create("srv", namespaces);
            NetworkNamespace a = NetworkNamespace.create("epa", namespaces);
            NetworkNamespace b = NetworkNamespace.create("epb", namespaces);
            String link = serverSide.linkToHost(serverAddress, subnet.address(1), subnet.prefix());
            serverSide.exec("ip", "addr", "add", addressForB + "/" + subnet.prefix(), "dev", link);

            Path serverData = data.resolve("server");
            processes.start("server", serverSide.inside(), "server", "--data", serverData.toString(), "--host", "0.0.0.0",
                    "--port", "" + apiPort, "--fleet-port", "" + fleetPort, "--offline-after", "10s");
            Api api = new Api("https://" + serverAddress + ":" + apiPort, serverData.resolve("credentials"));
            KirokuProcesses.awaitHealthy(api);
            String token = api.post("/api/v1/tokens", "{\"expires\":\"1h\"}").path("token").asText();

            Path dataA = data.resolve("agent-a");
            Path dataB = data.resolve("agent-b");
            processes.start("agent-a", "agent", "--data", dataA.toString(), "--server", addressForA + ":" + fleetPort, "--token", token,
                    "--watch", watched.toString(), "--heartbeat", "1s", "--host-name", "endpoint-a", "--scope", "netns:" + a.name);
            String agentA = await().atMost(Duration.ofSeconds(240)).until(() -> onlineAgent(api, "endpoint-a"), id -> id != null);
            processes.start("agent-b", "agent", "--data", dataB.toString(), "--server", addressForB + ":" + fleetPort, "--token", token,
                    "--watch", watched.toString(), "--heartbeat", "1s", "--host-name", "endpoint-b", "--scope", "netns:" + b.name);
            String agentB = await().atMost(Duration.ofSeconds(240)).until(() -> onlineAgent(api, "endpoint-b"), id -> id != null);
            assertThat(agentB).isNotEqualTo(agentA);
            assertThat(api.get("/api/v1/endpoints/" + agentA).path("inventory").path("scope").asText()).isEqualTo("netns:" + a.name);
            assertThat(api.get("/api/v1/endpoints/" + agentB).path("inventory").path("scope").asText()).isEqualTo("netns:" + b.name);

            // 1. Attribution: what runs in A is A's, what runs in B is B's, what runs on the host is neither's.
            String marker = "kiroku_netns_" + UUID.randomUUID().toString().replace("-", "");
            List<Process> commands = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                commands.add(start(a.inside("/bin/sh", "-c", "sleep 3", marker + "_a")));
                commands.add(start(b.inside("/bin/sh", "-c", "sleep 3", marker + "_b")));
                commands.add(start(List.of("/bin/sh", "-c", "sleep 3", marker + "_host")));
            }
            for (Process command : commands) command.waitFor(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(api.count(execOf(marker + "_a"))).isEqualTo(3);
                assertThat(api.count(execOf(marker + "_b"))).isEqualTo(3);
            });
            assertThat(api.search(execOf(marker + "_a"), 10)).extracting(e -> e.path("agent.id").asText(), e -> e.path("host.name").asText())
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(agentA, "endpoint-a"));
            assertThat(api.search(execOf(marker + "_b"), 10)).extracting(e -> e.path("agent.id").asText(), e -> e.path("host.name").asText())
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(agentB, "endpoint-b"));
            assertThat(api.count(execOf(marker + "_host"))).as("the host is outside both scopes").isZero();

            // 2. A network cut of agent A for a minute, inside the server's namespace; A keeps recording, B keeps shipping.
            serverSide.dropTcpTo(addressForA, fleetPort);
            Instant cutEnds = Instant.now().plus(CUT);
            Thread.sleep(5000);                                    // a batch the server had already received may still land
            long storedForA = api.count("agent.id:\"" + agentA + "\"");
            long storedForB = api.count("agent.id:\"" + agentB + "\"");
            String cutMarker = "kiroku_cut_" + UUID.randomUUID().toString().replace("-", "");
            // Each command lives 8 s (a loaded CI machine delays the agent by seconds): the agent reads a process's namespace from /proc when it handles the
            // exec, and a process gone by then is attributed by its parent's (here the host's) namespace.
            commands.clear();
            int during = 0;
            while (Instant.now().isBefore(cutEnds)) {
                during++;
                commands.add(start(a.inside("/bin/sh", "-c", "sleep 8", cutMarker + "_a_" + during)));
                commands.add(start(b.inside("/bin/sh", "-c", "sleep 8", cutMarker + "_b")));
                Thread.sleep(2000);
            }
            for (Process command : commands) command.waitFor(30, TimeUnit.SECONDS);
            JsonNode cutStatus = KirokuProcesses.agentStatus(dataA);
            assertThat(cutStatus.path("journal").path("lastSequence").asLong())
                    .as("A kept recording while cut off").isGreaterThan(cutStatus.path("journal").path("acknowledgedSequence").asLong());
            assertThat(api.count("agent.id:\"" + agentA + "\"")).as("nothing of A arrived during the cut").isEqualTo(storedForA);
            assertThat(api.count("agent.id:\"" + agentB + "\"")).as("B kept shipping during A's cut").isGreaterThan(storedForB);
            serverSide.restoreTcp();

            // After the cut: everything A recorded arrives, exactly once.
            JsonNode status = await().atMost(Duration.ofSeconds(300)).until(() -> KirokuProcesses.agentStatus(dataA),
                    KirokuProcesses::caughtUp);
            long last = status.path("journal").path("lastSequence").asLong();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.count("agent.id:\"" + agentA + "\"")).isGreaterThanOrEqualTo(last));
            JsonNode gaps = api.get("/api/v1/agents/" + agentA + "/gaps?from=1&to=" + last);
            assertThat(gaps.path("missing")).as("sequence gaps after a one-minute cut").isEmpty();
            assertThat(gaps.path("storedInRange").asLong()).as("events recorded == events stored").isEqualTo(last);
            assertThat(api.count("agent.id:\"" + agentA + "\" AND event.sequence:[1 TO " + last + "]")).as("no duplicates").isEqualTo(last);
            for (int i = 1; i <= during; i++) {
                assertThat(api.count(execOf(cutMarker + "_a_" + i))).as("command %d run in A during the cut, stored once", i).isEqualTo(1);
            }
            int commandsInB = during;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.count(execOf(cutMarker + "_b"))).isEqualTo(commandsInB));
            System.out.printf("netns test: agent A cut for %d s recorded %d events, all stored exactly once afterwards (%d commands during the cut)%n",
                    CUT.toSeconds(), last, during);
        } finally {
            processes.close();
            for (NetworkNamespace namespace : namespaces.reversed()) namespace.close();
            Scratch.delete(watched);
        }
    }

    private static String execOf(String argument) {
        // Not the exec of `ip netns exec` itself (same pid, same arguments, started in the host namespace).
        return "event.action:exec AND process.args:" + argument + " AND NOT process.name:ip";
    }


    private static String onlineAgent(Api api, String hostName) {
        for (JsonNode endpoint : api.get("/api/v1/endpoints").path("endpoints")) {
            if (endpoint.path("status").asText().equals("online") && endpoint.path("inventory").path("hostName").asText().equals(hostName)) {
                return endpoint.path("agentId").asText();
            }
        }
        return null;
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
