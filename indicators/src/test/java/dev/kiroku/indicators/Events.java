package dev.kiroku.indicators;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;

import java.time.Instant;
import java.util.List;

/** Events as the Linux sensor records them, for matching tests. */
public final class Events {
    public static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private Events() {
    }

    public static ProcessInfo process(int pid, String executable, String sha256, String... args) {
        return new ProcessInfo("ent-" + pid, pid, T0.minusSeconds(5),
                new ProcessInfo.ParentRef("ent-1", 1, "/usr/lib/systemd/systemd", List.of("/sbin/init")),
                executable, List.of(args), "/root", sha256,
                new ProcessInfo.Credentials(0, "root", 0, "root", 1000, 0, 0), 3, "pts/0", null);
    }

    public static Event exec(int pid, String executable, String sha256, String... args) {
        return Event.of("agent-1", T0, "web-1", new ProcessStart(process(pid, executable, sha256, args), false));
    }

    public static Event file(String path, FileChange.Action action) {
        return Event.of("agent-1", T0, "web-1", new FileChange(action, path, null, false,
                process(200, "/usr/bin/bash", null, "bash")));
    }

    public static Event connect(String ip, int port) {
        return Event.of("agent-1", T0, "web-1", new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.5", 40000,
                ip, port, true, process(300, "/usr/bin/python3", null, "python3", "client.py")));
    }
}
