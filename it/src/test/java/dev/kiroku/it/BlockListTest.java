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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet-wide block list: a hash blocked through the REST API, or imported in an indicator file with action
 * {@code block}, is enforced by a real agent's exec blocker, reaches an agent that enrols afterwards, and runs again
 * once the entry (or the indicators' source) is removed.
 */
class BlockListTest {

    @Test
    void aBlockedHashCannotRunOnAnyAgentUntilItIsRemoved(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start();
             FleetAgent first = agent(server, directory, "first", true)) {
            Path tool = directory.resolve("bin/tool");
            // A copy of true with a unique tail: its hash is blocked, the system's own true is not. Written by a child
            // process (as the other one below): a write descriptor of this JVM's, inherited by a process another thread
            // forks meanwhile, would make the first exec fail with ETXTBSY.
            EnrolledEndpoint.writtenByAnotherProcess(tool, concat(Files.readAllBytes(Path.of("/bin/true")), ("kiroku-blocklist-" + System.nanoTime()).getBytes()), true);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tool)));
            assertThat(runs(tool)).isTrue();

            HttpResponse<String> added = rest(server, "POST", "/api/v1/blocklist",
                    "{\"kind\":\"hash\",\"value\":\"" + sha256.toUpperCase() + "\",\"reason\":\"incident 42\"}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> !runs(tool));
            assertThat(rest(server, "GET", "/api/v1/blocklist", null).body()).contains(sha256).contains("incident 42");

            // An agent that enrols after the block gets it too and enforces it with its own exec blocker: two
            // permission groups on one machine, both live while the entry is removed.
            try (FleetAgent later = agent(server, directory, "later", true)) {
                awaitSucceeded(server, later.agent().agentId(), "block_hash");
                assertThat(runs(tool)).isFalse();

                HttpResponse<String> refused = rest(server, "POST", "/api/v1/blocklist", "{\"kind\":\"hash\",\"value\":\"not-a-hash\"}");
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.body()).contains("SHA-256");

                Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(added.body());
                assertThat(id.find()).isTrue();
                assertThat(rest(server, "DELETE", "/api/v1/blocklist/" + id.group(1), null).statusCode()).isEqualTo(200);
                awaitSucceeded(server, later.agent().agentId(), "unblock_hash");
                awaitSucceeded(server, first.agent().agentId(), "unblock_hash");
                assertThat(runs(tool)).as("unblocked on both agents").isTrue();
            }
            assertThat(runs(tool)).isTrue();
        }
    }

    @Test
    void anIndicatorFileImportedWithActionBlockIsEnforcedUntilItsSourceIsRemoved(@TempDir Path directory) throws Exception {
        try (KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start();
             FleetAgent agent = agent(server, directory, "importer", true)) {
            Path tool = directory.resolve("bin/dropper");
            // written by a child process: a write descriptor of this JVM's, inherited by a process another thread forks
            // meanwhile, would make the first exec fail with ETXTBSY
            EnrolledEndpoint.writtenByAnotherProcess(tool, concat(Files.readAllBytes(Path.of("/bin/true")), ("kiroku-ioc-block-" + System.nanoTime()).getBytes()), true);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tool)));
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(tool)));
            assertThat(runs(tool)).isTrue();

            String list = "# incident 42: the dropper\n" + sha256 + "\n" + md5 + "\n";
            HttpResponse<String> imported = rest(server, "POST", "/api/v1/indicators?name=incident-42.txt&action=block&expires=7d", list);
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
            assertThat(imported.body()).contains("\"blocked\":true").contains("md5 indicators cannot be enforced on the endpoint: alert only");
            await().atMost(Duration.ofSeconds(30)).until(() -> !runs(tool));
            String entries = rest(server, "GET", "/api/v1/blocklist", null).body();
            assertThat(entries).contains(sha256).contains("indicator:incident-42.txt").doesNotContain(md5);
            assertThat(rest(server, "POST", "/api/v1/indicators?name=x.txt&action=quarantine", list).statusCode()).isEqualTo(400);

            assertThat(rest(server, "DELETE", "/api/v1/indicators?source=incident-42.txt", null).statusCode()).isEqualTo(200);
            awaitSucceeded(server, agent.agent().agentId(), "unblock_hash");
            assertThat(rest(server, "GET", "/api/v1/blocklist", null).body()).doesNotContain(sha256);
            assertThat(runs(tool)).as("the source removed, the block is lifted").isTrue();
        }
    }

    private static FleetAgent agent(KirokuServer server, Path directory, String name, boolean response) throws IOException {
        AgentConfig config = AgentConfig.defaults(directory.resolve("agent-" + name), name)
                .withSensors(new AgentConfig.Sensors(false, false, false, false));
        return FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(),
                server.fleet().createToken(Duration.ofMinutes(5), "test", "test"), Duration.ofMillis(300), InstantSource.system(), response);
    }

    private static void awaitSucceeded(KirokuServer server, String agentId, String type) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(server, agentId, type));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(type + " did not succeed on " + agentId + "; commands: " + server.fleet().commands(null, 50), e);
        }
    }

    private static boolean succeeded(KirokuServer server, String agentId, String type) {
        List<Map<String, Object>> commands = server.fleet().commands(null, 1000);
        return commands.stream().anyMatch(c -> agentId.equals(c.get("agentId")) && type.equals(c.get("type"))
                && "succeeded".equals(c.get("state")));
    }

    private static boolean runs(Path tool) {
        try {
            return new ProcessBuilder(tool.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
