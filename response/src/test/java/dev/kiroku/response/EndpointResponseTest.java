package dev.kiroku.response;

import dev.kiroku.event.EntityIds;
import dev.kiroku.response.execblock.BlockedAttempt;
import dev.kiroku.response.lab.ScratchTmpfs;
import dev.kiroku.response.nft.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The assembly the agent uses: every action by name, as the command registry calls them, with the
 * results written to the action log. Isolation and destination actions are not run here (they would
 * change the host's ruleset); their own tests run them in namespaces.
 */
class EndpointResponseTest {
    @TempDir
    Path state;

    @Test
    void everyActionIsRegisteredAndRunsThroughTheUniformInterface() throws Exception {
        KernelAssumptions.assumeRoot();
        List<BlockedAttempt> attempts = new CopyOnWriteArrayList<>();
        try (ScratchTmpfs fs = new ScratchTmpfs();
             EndpointResponse response = EndpointResponse.start(new EndpointResponse.Config(state, "agent-1",
                     List.of(Endpoint.parse("192.0.2.10:8443")), List.of(fs.dir()), 1 << 20, Duration.ofMinutes(5),
                     attempts::add))) {
            Map<String, ResponseAction> byName = response.actions().stream()
                    .collect(Collectors.toMap(ResponseAction::name, Function.identity()));
            assertThat(byName).containsOnlyKeys("isolate", "release", "kill", "quarantine", "restore", "collect",
                    "block_hash", "unblock_hash", "block_destination", "unblock_destination");
            assertThat(response.startupResults()).noneMatch(r -> r.outcome() == Outcome.FAILED);
            assertThat(response.runningExecBlocker()).as("no permission hook before the first block").isEmpty();
            ActionLog log = new ActionLog(state.resolve("actions.jsonl"));

            Path tool = fs.dir().resolve("tool");
            Files.copy(Path.of("/bin/sleep"), tool);
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
            String hash = Sha256.hex(Sha256.digest().digest(Files.readAllBytes(tool)));
            Process p = new ProcessBuilder(tool.toString(), "300").start();
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).equals(tool));
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                long ticks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
                List<ActionResult> killed = byName.get("kill").run(Map.of("entity_ids",
                        EntityIds.process("agent-1", (int) p.pid(), ticks)));
                log.append("alice", killed);
                assertThat(killed.getFirst().outcome()).isEqualTo(Outcome.DONE);
            } finally {
                p.destroyForcibly();
            }

            List<ActionResult> blocked = byName.get("block_hash").run(Map.of("hashes", hash, "reason", "incident 7"));
            assertThat(response.runningExecBlocker()).as("started by the first block").isPresent();
            log.append("alice", blocked);
            assertThatThrownBy(() -> new ProcessBuilder(tool.toString(), "0").start())
                    .hasMessageContaining("Operation not permitted");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !attempts.isEmpty());

            List<ActionResult> collected = byName.get("collect").run(Map.of("paths", Path.of("/etc/hostname").toString()));
            List<ActionResult> quarantined = byName.get("quarantine").run(Map.of("paths", tool.toString()));
            log.append("bob", quarantined);
            assertThat(collected.getFirst().outcome()).isEqualTo(Outcome.DONE);
            assertThat(quarantined.getFirst().outcome()).as(quarantined.getFirst().detail()).isEqualTo(Outcome.DONE);
            List<ActionResult> restored = byName.get("restore").run(Map.of("ids", (String) quarantined.getFirst().data().get("id")));
            log.append("bob", restored);
            assertThat(restored.getFirst().outcome()).as(restored.getFirst().detail()).isEqualTo(Outcome.DONE);
            assertThat(byName.get("unblock_hash").run(Map.of("hashes", hash)).getFirst().outcome()).isEqualTo(Outcome.DONE);

            List<Map<String, Object>> lines = log.read();
            assertThat(lines).hasSize(4);
            assertThat(lines).extracting(l -> l.get("requested_by")).containsExactly("alice", "alice", "bob", "bob");
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) lines.getFirst().get("result");
            assertThat(first).containsEntry("action", "kill").containsEntry("outcome", "DONE").containsKey("at");
            assertThat((String) first.get("at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(ActionLog.toJson(blocked.getFirst())).contains("\"action\":\"block_hash\"").contains(hash);
        }
    }
}
