package dev.kiroku.it;

import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * YARA scans by policy on a real agent (fanotify file sensor, exec blocker on every local filesystem) enrolled with a
 * real server: the policy is pushed with {@code kiroku yara policy} and with {@code policy.apply} through the REST API; a newly written executable that
 * matches a rule is alerted with its strings and offsets; with {@code block}, running it (or any matching file, written
 * under the scanned paths or not) is refused and alerted; with {@code alert} it runs and is alerted.
 */
class YaraPolicyScanTest {
    private static final String MARKER = "kiroku-policy-it-marker";
    private static final String RULES = "[{\\\"name\\\":\\\"team-rules\\\",\\\"source\\\":\\\"rule Kiroku_Policy_Dropper { strings: $m = \\\\\\\""
            + MARKER + "\\\\\\\" condition: $m }\\\"}]";

    @Test
    void aNewExecutableMatchingAPolicyRuleIsAlertedAndWithBlockNothingMatchingCanRun(@TempDir Path directory) throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop"));
        try (EnrolledEndpoint endpoint = EnrolledEndpoint.watching(directory, "scanner")) {
            KirokuServer server = endpoint.server;
            FleetAgent agent = endpoint.agent;
            String id = endpoint.agentId();
            // Version 1 through the command line, as an analyst would push it.
            Path rules = directory.resolve("team-rules.yar");
            Files.writeString(rules, "rule Kiroku_Policy_Dropper { strings: $m = \"" + MARKER + "\" condition: $m }\n");
            System.setProperty("kiroku.credentials", server.credentialsFile().toString());
            CommandLineTest.Run cli = CommandLineTest.kiroku("yara", "policy", "--server", server.url(), "--target", "agent:" + id,
                    "--version", "1", "--rules", rules.toString(), "--on-write", drop.toString(), "--before-exec", "block", "--wait");
            assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
            assertThat(cli.out()).contains("policy 1 sent to 1 endpoint(s)").contains(id + "  succeeded")
                    .contains("YARA policy: 1 rules from 1 rule set(s)").contains("before execution block");

            Path clean = executable(drop.resolve("clean"), "an ordinary tool " + System.nanoTime());
            Path dropper = executable(drop.resolve("dropper"), MARKER + " " + System.nanoTime());
            long markerOffset = Files.size(Path.of("/bin/true"));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                String events = endpoint.events("event.action:yara_match AND agent.id:" + id);
                assertThat(events).as("policy scans %s, agent %s", agent.policyScans().stats(), agent.agent().status()).contains(dropper.toString()).contains("\"kiroku.yara.trigger\":\"write\"")
                        .contains("\"rule.name\":\"Kiroku_Policy_Dropper\"").contains("\"offset\":" + markerOffset)
                        .doesNotContain(clean.toString());
            });
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.alerts())
                    .contains("yara:Kiroku_Policy_Dropper").contains("YARA match on write: Kiroku_Policy_Dropper"));

            assertThat(runs(clean)).as("a clean new executable runs").isTrue();
            // Refused from the first exec on a machine with spare CPU; on a loaded one the watchdog may allow an exec whose
            // verdict took longer than the deadline (200 ms), and the verdict, cached, refuses the next one.
            await().atMost(Duration.ofSeconds(120)).until(() -> !runs(dropper));
            // Not under the scanned paths and never seen before: scanned before it runs, and refused.
            Path elsewhere = executable(directory.resolve("elsewhere/tool"), MARKER + " elsewhere " + System.nanoTime());
            await().atMost(Duration.ofSeconds(120)).until(() -> !runs(elsewhere));
            assertThat(runs(clean)).as("the clean executable still runs").isTrue();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                String events = endpoint.events("event.action:yara_match AND event.outcome:failure AND agent.id:" + id);
                assertThat(events).contains(dropper.toString()).contains(elsewhere.toString()).contains("\"kiroku.yara.trigger\":\"exec\"");
                assertThat(endpoint.alerts()).contains("kiroku.block.exec").contains("YARA rule Kiroku_Policy_Dropper (" + rules + ")")
                        .contains("YARA match before execution, execution refused: Kiroku_Policy_Dropper");
            });

            String alertOnly = applyPolicy(server, id, 2, "\"yara.scan_before_exec\":\"alert\"");
            assertThat(alertOnly).contains("before execution alert");
            assertThat(runs(dropper)).as("alert only: it runs").isTrue();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.alerts())
                    .contains("YARA match before execution: Kiroku_Policy_Dropper"));

            applyPolicy(server, id, 3, "");
            await().atMost(Duration.ofSeconds(120)).until(() -> runs(elsewhere));
        }
    }

    /** Pushes a policy with the test rules and {@code extra} JSON parameters to the agent; returns the agent's answer. */
    private static String applyPolicy(KirokuServer server, String agentId, int version, String extra) throws Exception {
        String parameters = "{\"version\":\"" + version + "\"" + (extra.isEmpty() ? "" : ",\"yara.rules\":\"" + RULES + "\"," + extra) + "}";
        HttpResponse<String> issued = rest(server, "POST", "/api/v1/commands", "{\"target\":\"agent:" + agentId
                + "\",\"type\":\"policy.apply\",\"parameters\":" + parameters + ",\"expires\":\"1h\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":\"?([^\",}]+)").matcher(issued.body());
        assertThat(m.find()).isTrue();
        String[] answer = new String[1];
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            answer[0] = rest(server, "GET", "/api/v1/commands/" + m.group(1), null).body();
            return answer[0].contains("\"state\":\"succeeded\"") || answer[0].contains("\"state\":\"failed\"");
        });
        assertThat(answer[0]).contains("\"state\":\"succeeded\"");
        return answer[0];
    }

    /**
     * A copy of /bin/true with {@code tail} appended (it runs, and its content is new), written by a {@code cp} child
     * process: the file sensor ignores the agent's own process, which is this JVM.
     */
    private static Path executable(Path file, String tail) throws Exception {
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        byte[] extra = tail.getBytes();
        byte[] content = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, content, base.length, extra.length);
        return EnrolledEndpoint.writtenByAnotherProcess(file, content, true);
    }

    private static boolean runs(Path command) {
        try {
            Process p = new ProcessBuilder(command.toString()).start();
            return p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
