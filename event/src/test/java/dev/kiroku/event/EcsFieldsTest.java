package dev.kiroku.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EcsFieldsTest {
    /** A receiver that wants a few fields gets those with the values {@link Event#toEcs()} has, and no computed ones besides. */
    @Test
    void aReceiverWantingSomeFieldsGetsTheirValuesAndSkipsComputedOnes() {
        ProcessInfo curl = EventCodecTest.CURL;
        List<Payload> payloads = List.of(new ProcessStart(curl, false), new ProcessExit(curl, 0, 0),
                new FileChange(FileChange.Action.RENAME, "/tmp/b.txt", "/tmp/a.txt", false, curl),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "127.0.0.1", 8080, true, curl),
                new UserActivity(UserActivity.Action.LOGON, "alice", 1000, true, "10.0.0.1", "ssh", "USER_LOGIN", "login", null));
        Set<String> wanted = Set.of("process.name", "process.command_line", "file.extension", "user.id");
        Set<String> computed = Set.of("@timestamp", "process.start", "process.name", "process.command_line", "process.parent.name",
                "process.parent.command_line", "user.id", "user.effective.id", "process.user.login_id", "group.id",
                "file.directory", "file.extension");
        for (Payload payload : payloads) {
            Event event = new Event("agent-1", 7, Instant.parse("2026-11-27T01:02:03.456789Z"), "host-a", List.of(), payload);
            Map<String, Object> all = event.toEcs();
            Map<String, Object> some = new LinkedHashMap<>();
            event.writeEcs(new EcsFields() {
                @Override
                public void put(String field, Object value) {
                    some.put(field, value);
                }

                @Override
                public boolean wants(String field) {
                    return wanted.contains(field);
                }
            });
            for (String field : wanted) assertThat(some.get(field)).as("%s of %s", field, payload).isEqualTo(all.get(field));
            for (String field : computed) {
                if (!wanted.contains(field)) assertThat(some).as("%s", payload).doesNotContainKey(field);
            }
            all.keySet().removeAll(computed);
            some.keySet().removeAll(computed);
            assertThat(some).as("fields not computed are all passed, %s", payload).isEqualTo(all);
        }
    }
}
