package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.sensor.linux.audit.AuditControl;
import dev.kiroku.sensor.linux.audit.AuditLock;
import dev.kiroku.sensor.linux.audit.AuditStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of the running product in the middle of an exec storm, then a restart on the same data:
 * the journal opens cleanly, shipping resumes, and the store holds every sequence number the agent
 * assigned exactly once, with no gaps.
 */
class CrashRecoveryTest {

    @Test
    void aKilledAgentRestartsWithItsJournalIntactAndNothingStoredTwice(@TempDir Path data) throws Exception {
        Root.required();
        Path watched = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-crash-");
        try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(10))) {
            AuditStatus before = auditStatus();
            int port = freePort();
            Api api = new Api("https://127.0.0.1:" + port, data.resolve("server/credentials"));
            String marker = "kiroku-crash-" + UUID.randomUUID();
            Path stop = watched.resolve("stop-storm");
            Process storm = null;
            Process first = demo(data, port, watched);
            try {
                awaitHealthy(api);
                // The storm runs across the kill and the restart, until the stop file appears.
                storm = new ProcessBuilder("/bin/bash", "-c",
                        "i=0; while [ ! -e \"$2\" ]; do i=$((i+1)); /bin/true \"$1\" $i; done", "storm", marker, stop.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Thread.sleep(2000);
            } finally {
                first.destroyForcibly().waitFor();
            }

            Process second = demo(data, port, watched);
            try {
                awaitHealthy(api);
                Thread.sleep(2000);
                Files.createFile(stop);
                storm.waitFor();
                JsonNode status = await().atMost(Duration.ofSeconds(120)).until(() -> agentStatus(data),
                        s -> s != null && s.path("journal").path("acknowledgedSequence").asLong() > 0
                                && s.path("journal").path("acknowledgedSequence").asLong() == s.path("journal").path("lastSequence").asLong()
                                && s.path("queueDepth").asInt() == 0);
                String agentId = status.path("agentId").asText();
                long last = status.path("journal").path("lastSequence").asLong();

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(api.count("agent.id:\"" + agentId + "\"")).isGreaterThanOrEqualTo(last));
                JsonNode gaps = api.get("/api/v1/agents/" + agentId + "/gaps?from=1&to=" + last);
                assertThat(gaps.path("missing")).as("sequence gaps after kill -9 and restart").isEmpty();
                assertThat(gaps.path("storedInRange").asLong()).isEqualTo(last);
                assertThat(api.count("agent.id:\"" + agentId + "\" AND event.sequence:[1 TO " + last + "]"))
                        .as("each sequence stored once").isEqualTo(last);

                long recordedExecs = api.count("event.action:exec AND process.name:true AND process.args:\"" + marker + "\"");
                System.out.printf("crash test: %d storm execs recorded across the kill and restart (none while no agent ran); %d events, no gaps%n",
                        recordedExecs, last);
                assertThat(recordedExecs).isPositive();
            } finally {
                second.destroy();
                second.waitFor();
                if (storm != null) storm.destroyForcibly();
            }
            // The restart repaired what the killed agent left in the kernel; the clean stop restored the rest.
            AuditStatus after = auditStatus();
            assertThat(after.enabled()).isEqualTo(before.enabled());
            assertThat(after.pid()).isEqualTo(before.pid());
            assertThat(after.backlogLimit()).isEqualTo(before.backlogLimit());
            assertThat(after.backlogWaitTime()).isEqualTo(before.backlogWaitTime());
            try (AuditControl control = AuditControl.open()) {
                assertThat(control.listRules()).noneMatch(rule -> rule.hasKey("kiroku"));
            }
        } finally {
            Scratch.delete(watched);
        }
    }

    private static AuditStatus auditStatus() throws IOException {
        try (AuditControl control = AuditControl.open()) {
            return control.status();
        }
    }

    private static Process demo(Path data, int port, Path watched) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                "dev.kiroku.cli.Main", "demo", "--data", data.toString(), "--port", Integer.toString(port),
                "--watch", watched.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolveSibling(data.getFileName() + "-demo.log").toFile()).start();
    }

    private static void awaitHealthy(Api api) {
        // A first start (keys, store, rule pack) took about 60 s at load 37.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.status("/api/v1/health") == 200);
    }

    private static JsonNode agentStatus(Path data) {
        try {
            return new ObjectMapper().readTree(Files.readAllBytes(data.resolve("agent/status.json")));
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
