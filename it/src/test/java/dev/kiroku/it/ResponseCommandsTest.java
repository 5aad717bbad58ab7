package dev.kiroku.it;

import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Response and YARA commands from the server to a real enrolled agent over the fleet channel (mutual TLS): the
 * endpoint quarantines and restores a file byte for byte, kills a process tree, scans with YARA, and reports a failed
 * action as failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseCommandsTest {
    KirokuServer server;
    FleetAgent agent;
    Path work;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        work = directory;
        server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30))
                .withFleetPort(0), InstantSource.system()).start();
        AgentConfig config = AgentConfig.defaults(directory.resolve("agent"), "responder")
                .withSensors(new AgentConfig.Sensors(false, false, false, false));
        String token = server.fleet().createToken(Duration.ofMinutes(5), "test", "test");
        agent = FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(), token, Duration.ofMillis(300),
                InstantSource.system(), true);
    }

    @AfterAll
    void stop() {
        if (agent != null) agent.close();
        if (server != null) server.close();
    }

    /** Issues a command to the agent and waits for its final delivery state. */
    private Map<String, Object> run(String type, Map<String, String> parameters) {
        Map<String, Object> issued = server.fleet().issue("agent:" + agent.agent().agentId(), type, parameters, Duration.ofMinutes(5), "tester");
        String id = String.valueOf(issued.get("id"));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String state = String.valueOf(server.fleet().commands(id, 10).getFirst().get("state"));
            return state.equals("succeeded") || state.equals("failed") || state.equals("expired");
        });
        return server.fleet().commands(id, 10).getFirst();
    }

    @Test
    void quarantineAndRestoreRoundTripThroughTheServer() throws Exception {
        Path file = work.resolve("dropper.sh");
        byte[] content = "#!/bin/sh\necho dropped\n".getBytes();
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));

        Map<String, Object> quarantined = run("quarantine", Map.of("paths", file.toString()));
        assertThat(quarantined.get("state")).as(String.valueOf(quarantined)).isEqualTo("succeeded");
        assertThat(file).doesNotExist();

        java.util.regex.Matcher id = java.util.regex.Pattern.compile("quarantined as ([^ \"]+)")
                .matcher(String.valueOf(quarantined.get("output")));
        assertThat(id.find()).as(String.valueOf(quarantined.get("output"))).isTrue();
        Map<String, Object> restored = run("restore", Map.of("ids", id.group(1)));
        assertThat(restored.get("state")).as(String.valueOf(restored)).isEqualTo("succeeded");
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
    }

    @Test
    void aFailedActionIsRecordedAsFailedWithItsReason() {
        Map<String, Object> result = run("quarantine", Map.of("paths", work.resolve("no-such-file").toString()));
        assertThat(result.get("state")).isEqualTo("failed");
        assertThat(String.valueOf(result.get("output"))).contains("no-such-file");
    }

    @Test
    void yaraScanRunsOnTheEndpoint() throws Exception {
        Path rules = work.resolve("marker.yar");
        Files.writeString(rules, "rule kiroku_marker { strings: $a = \"KIROKU-EICAR-LIKE-MARKER\" condition: $a }\n");
        Path target = work.resolve("scan-me");
        Files.createDirectories(target);
        Files.writeString(target.resolve("payload.bin"), "xx KIROKU-EICAR-LIKE-MARKER yy");
        String request = dev.kiroku.yara.api.YaraJson.write(new dev.kiroku.yara.api.YaraScanRequest("it-sweep",
                List.of(new dev.kiroku.yara.api.RuleSource("marker.yar", Files.readString(rules))),
                List.of(target.toString()), List.of(), dev.kiroku.yara.api.ScanOptions.defaults()));
        Map<String, Object> result = run("yara.scan", Map.of("request", request));
        assertThat(result.get("state")).as(String.valueOf(result)).isEqualTo("succeeded");
        assertThat(String.valueOf(result.get("output"))).contains("kiroku_marker").contains("payload.bin");
    }

    @Test
    void unknownCommandTypesFailClearly() {
        Map<String, Object> result = run("format_disk", Map.of());
        assertThat(result.get("state")).isEqualTo("failed");
        assertThat(String.valueOf(result.get("output"))).containsIgnoringCase("format_disk");
    }

    @Test
    void theInventoryReportsTheIsolationState() {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.fleet().endpoints().stream()
                .map(e -> String.valueOf(((Map<?, ?>) e.get("inventory")).get("isolation")))
                .anyMatch(state -> state.equals("not isolated")));
    }

    @Test
    void theAgentListsEveryResponseAction() {
        assertThat(agent.uplink().commands().types()).contains("isolate", "release", "kill", "quarantine", "restore",
                "collect", "block_hash", "unblock_hash", "block_destination", "unblock_destination", "yara.scan");
    }
}
