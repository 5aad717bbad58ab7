package dev.kiroku.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    static final ProcessInfo CURL = new ProcessInfo("e1", 4242, Instant.parse("2026-11-27T00:00:00Z"),
            new ProcessInfo.ParentRef("e0", 1, "/bin/bash", List.of("bash")),
            "/usr/bin/curl", List.of("curl", "-s", "http://127.0.0.1:8080/a b"), "/tmp", "ab12",
            new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0",
            new ProcessInfo.Namespaces("/user.slice", null, 4026531836L, 0, 0));

    @Test
    void everyPayloadRoundTripsThroughTheCodec() {
        List<Payload> payloads = List.of(
                new ProcessStart(CURL, false),
                new ProcessExit(CURL, 0, 0),
                new FileChange(FileChange.Action.RENAME, "/tmp/b.txt", "/tmp/a.txt", false, CURL),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "127.0.0.1", 8080, true, CURL),
                new UserActivity(UserActivity.Action.LOGON, "alice", 1000, true, "10.0.0.1", "ssh", "USER_LOGIN", "login", null),
                new LossReport("audit", 12, Instant.EPOCH, Instant.EPOCH.plusSeconds(5), "kernel lost counter"),
                new ExecutionBlocked(ExecutionBlocked.Attempt.OPEN, "/tmp/x.sh", "ab".repeat(32), "sandbox verdict high", CURL),
                new YaraDetection(YaraDetection.Trigger.EXEC, true, "/tmp/drop/evil", "cd".repeat(32), "Dropper", "team-rules",
                        List.of("linux"), List.of(new YaraDetection.StringHit("$marker", 4096, 12, "kiroku-test")), CURL));
        for (Payload payload : payloads) {
            Event event = new Event("agent-1", 7, Instant.parse("2026-11-27T01:02:03.456789Z"), "host-a",
                    List.of(Incomplete.HASH), payload);
            assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
        }
    }

    @Test
    void processStartFlattensToEcsFieldNames() {
        var ecs = Event.of("agent-1", Instant.EPOCH, "host-a", new ProcessStart(CURL, false)).toEcs();
        assertThat(ecs).containsEntry("event.category", List.of("process"))
                .containsEntry("event.type", List.of("start"))
                .containsEntry("process.name", "curl")
                .containsEntry("process.command_line", "curl -s \"http://127.0.0.1:8080/a b\"")
                .containsEntry("process.parent.executable", "/bin/bash")
                .containsEntry("user.name", "alice")
                .containsEntry("process.hash.sha256", "ab12");
    }

    @Test
    void aBlockedExecutionFlattensToAnIntrusionDetectionFailure() {
        var ecs = Event.of("agent-1", Instant.EPOCH, "host-a",
                new ExecutionBlocked(ExecutionBlocked.Attempt.EXEC, "/tmp/drop/evil", "cd".repeat(32), "analyst", CURL)).toEcs();
        assertThat(ecs).containsEntry("event.category", List.of("intrusion_detection", "process"))
                .containsEntry("event.action", "exec_blocked")
                .containsEntry("event.outcome", "failure")
                .containsEntry("event.reason", "analyst")
                .containsEntry("kiroku.block.attempt", "exec")
                .containsEntry("file.path", "/tmp/drop/evil")
                .containsEntry("file.name", "evil")
                .containsEntry("file.hash.sha256", "cd".repeat(32))
                .containsEntry("process.entity_id", "e1")
                .containsEntry("process.pid", 4242)
                .containsEntry("process.executable", "/usr/bin/curl");
    }

    @Test
    void aYaraDetectionFlattensToRuleFileAndMatchedStrings() {
        var ecs = Event.of("agent-1", Instant.EPOCH, "host-a",
                new YaraDetection(YaraDetection.Trigger.WRITE, false, "/tmp/drop/evil", "cd".repeat(32), "Dropper", "team-rules",
                        List.of("linux"), List.of(new YaraDetection.StringHit("$marker", 4096, 12, "kiroku-test")), CURL)).toEcs();
        assertThat(ecs).containsEntry("event.category", List.of("intrusion_detection", "file"))
                .containsEntry("event.action", "yara_match")
                .containsEntry("kiroku.yara.trigger", "write")
                .containsEntry("rule.name", "Dropper")
                .containsEntry("rule.ruleset", "team-rules")
                .containsEntry("tags", List.of("linux"))
                .containsEntry("file.path", "/tmp/drop/evil")
                .containsEntry("file.hash.sha256", "cd".repeat(32))
                .containsEntry("yara.strings", List.of(java.util.Map.of("identifier", "$marker", "offset", 4096L, "length", 12,
                        "preview", "kiroku-test")))
                .containsEntry("process.pid", 4242)
                .doesNotContainKey("event.outcome");
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> EventCodec.decode("{\"agentId\":".getBytes()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a Kiroku event");
    }

    @Test
    void entityIdsDifferWhenAPidIsReused() {
        assertThat(EntityIds.process("a", 100, 5000)).isNotEqualTo(EntityIds.process("a", 100, 6000))
                .isEqualTo(EntityIds.process("a", 100, 5000));
    }
}
