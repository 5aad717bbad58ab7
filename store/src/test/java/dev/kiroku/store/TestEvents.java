package dev.kiroku.store;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;

import java.time.Instant;
import java.util.List;

/** Small hand-made events for store tests. */
public final class TestEvents {
    private TestEvents() {
    }

    public static ProcessInfo process(String agent, int pid, String executable, String... args) {
        return new ProcessInfo(EntityIds.process(agent, pid, pid * 7L), pid, Instant.parse("2025-01-01T00:00:00Z"),
                new ProcessInfo.ParentRef(EntityIds.process(agent, 1, 1), 1, "/usr/lib/systemd/systemd", List.of("/sbin/init")),
                executable, List.of(args), "/home/alice", "ab".repeat(32),
                new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null);
    }

    public static Event exec(String agent, long sequence, Instant at, String host, String executable, String... args) {
        return new Event(agent, sequence, at, host, List.of(), new ProcessStart(process(agent, 1000 + (int) sequence, executable, args), false));
    }

    public static Event connect(String agent, long sequence, Instant at, String host, String ip, int port) {
        return new Event(agent, sequence, at, host, List.of(), new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp",
                "192.168.1.5", 40000 + (int) sequence, ip, port, true, process(agent, 2000, "/usr/bin/curl", "curl", "http://" + ip)));
    }

    public static Event file(String agent, long sequence, Instant at, String host, String path) {
        return new Event(agent, sequence, at, host, List.of(), new FileChange(FileChange.Action.CREATE, path, null, false,
                process(agent, 3000, "/usr/bin/cp", "cp", "a", path)));
    }
}
