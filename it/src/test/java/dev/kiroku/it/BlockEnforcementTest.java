package dev.kiroku.it;

import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Blocks on a real agent's exec blocker (every local filesystem): they stay in force while the server is down and
 * across a restart of the agent without a server; a block with an expiry ends by itself; every add and removal is
 * in the audit trail.
 */
class BlockEnforcementTest {

    @Test
    void blocksStayInForceWhileTheServerIsDownAndAcrossAnAgentRestart(@TempDir Path directory) throws Exception {
        Path tool = tool(directory);
        KirokuServer server = server(directory);
        String address = "127.0.0.1:" + server.fleet().port();
        FleetAgent agent = null;
        try {
            agent = agent(server, directory);
            assertThat(rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + sha256(tool) + "\"}").statusCode())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).until(() -> !runs(tool));
            server.close();
            server = null;
            assertThat(runs(tool)).as("server down").isFalse();
            agent.close();
            agent = null;
            assertThat(runs(tool)).as("no agent: nothing enforces").isTrue();
            agent = FleetAgent.start(config(directory), address, null, Duration.ofSeconds(1), InstantSource.system(), true);
            assertThat(runs(tool)).as("agent restarted while the server is still down").isFalse();
        } finally {
            if (agent != null) agent.close();
            if (server != null) server.close();
        }
        assertThat(runs(tool)).isTrue();
    }

    @Test
    void aBlockedBinaryAndABlockedScriptFailWithEventsAndAnAlertAndRunAgainAfterUnblocking(@TempDir Path directory) throws Exception {
        Path tool = tool(directory);
        Path script = directory.resolve("bin/payload.sh");
        Files.writeString(script, "#!/bin/sh\n# kiroku-enforcement-" + System.nanoTime() + "\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (KirokuServer server = server(directory); FleetAgent agent = agent(server, directory)) {
            assertThat(runs(tool)).isTrue();
            assertThat(runs(script)).isTrue();
            assertThat(runs(Path.of("/bin/sh"), script)).isTrue();
            String toolId = idOf(rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + sha256(tool)
                    + "\",\"reason\":\"dropper from incident 7\"}").body());
            String scriptId = idOf(rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + sha256(script)
                    + "\",\"reason\":\"stage two script\"}").body());
            await().atMost(Duration.ofSeconds(60)).until(() -> !runs(tool) && !runs(script));
            // The denied exec closed the script to interpreters too: sh opening it is refused.
            assertThat(runs(Path.of("/bin/sh"), script)).as("sh payload.sh").isFalse();

            String blocked = "event.action:exec_blocked AND agent.id:" + agent.agent().agentId();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String events = rest(server, "GET", "/api/v1/events?limit=100&q=" + encode(blocked), null).body();
                assertThat(events).contains(sha256(tool)).contains(sha256(script)).contains(tool.toString()).contains(script.toString())
                        .contains("dropper from incident 7").contains("\"kiroku.block.attempt\":\"exec\"")
                        .contains("\"kiroku.block.attempt\":\"open\"").contains("\"event.outcome\":\"failure\"");
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String alerts = rest(server, "GET", "/api/v1/alerts?limit=100", null).body();
                assertThat(alerts).contains("kiroku.block.exec").contains("Execution of a blocked file refused")
                        .contains(sha256(tool)).contains(sha256(script));
            });

            assertThat(rest(server, "DELETE", "/api/v1/blocklist/" + toolId, null).statusCode()).isEqualTo(200);
            assertThat(rest(server, "DELETE", "/api/v1/blocklist/" + scriptId, null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> runs(tool) && runs(script) && runs(Path.of("/bin/sh"), script));
        }
    }

    @Test
    void anExpiringBlockEndsByItselfAndEveryChangeIsAudited(@TempDir Path directory) throws Exception {
        Path tool = tool(directory);
        try (KirokuServer server = server(directory); FleetAgent agent = agent(server, directory)) {
            HttpResponse<String> bad = rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + sha256(tool)
                    + "\",\"expires\":\"soon\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("'expires'");
            HttpResponse<String> added = rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"" + sha256(tool)
                    + "\",\"reason\":\"for a while\",\"expires\":\"20s\"}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(added.body()).contains("\"expires\"");
            await().atMost(Duration.ofSeconds(20)).until(() -> !runs(tool));
            await().atMost(Duration.ofSeconds(60)).until(() -> runs(tool));
            await().atMost(Duration.ofSeconds(30)).until(() -> !rest(server, "GET", "/api/v1/blocklist", null).body().contains(sha256(tool)));
            String audit = rest(server, "GET", "/api/v1/audit", null).body();
            assertThat(audit).contains("blocklist.add").contains("for a while").contains("blocklist.remove").contains("\"expiry\"");
        }
    }

    private static KirokuServer server(Path directory) throws IOException {
        return new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1)).withFleetPort(0),
                InstantSource.system()).start();
    }

    private static AgentConfig config(Path directory) {
        return AgentConfig.defaults(directory.resolve("agent"), "enforcer").withSensors(new AgentConfig.Sensors(false, false, false, false));
    }

    private static FleetAgent agent(KirokuServer server, Path directory) throws IOException {
        return FleetAgent.start(config(directory), "127.0.0.1:" + server.fleet().port(),
                server.fleet().createToken(Duration.ofMinutes(5), "test", "test"), Duration.ofSeconds(1), InstantSource.system(), true);
    }

    private static Path tool(Path directory) throws IOException {
        Path tool = directory.resolve("bin/tool");
        Files.createDirectories(tool.getParent());
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        byte[] tail = ("kiroku-enforcement-" + System.nanoTime()).getBytes();
        byte[] content = java.util.Arrays.copyOf(base, base.length + tail.length);
        System.arraycopy(tail, 0, content, base.length, tail.length);
        Files.write(tool, content);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tool;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String idOf(String entry) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":(\\d+)").matcher(entry);
        assertThat(id.find()).as(entry).isTrue();
        return id.group(1);
    }

    private static String encode(String query) {
        return java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean runs(Path... command) {
        try {
            Process p = new ProcessBuilder(java.util.Arrays.stream(command).map(Path::toString).toList()).start();
            return p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
