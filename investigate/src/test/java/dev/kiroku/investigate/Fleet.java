package dev.kiroku.investigate;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthesised events of several endpoints, written the way the agent writes them (entity ids from agent, pid and
 * start ticks; parents by entity id; snapshot processes flagged).
 */
final class Fleet {
    final List<Event> events = new ArrayList<>();
    private final Map<String, Long> sequences = new HashMap<>();

    /** A process of an endpoint. */
    record Proc(String agent, String host, ProcessInfo info) {
        String id() {
            return info.entityId();
        }
    }

    Proc snapshot(String agent, String host, int pid, Proc parent, Instant at, String executable, String... args) {
        Proc p = process(agent, host, pid, parent, at, executable, null, args);
        add(agent, host, at, new ProcessStart(p.info(), true));
        return p;
    }

    Proc exec(String agent, String host, int pid, Proc parent, Instant at, String executable, String sha256, String... args) {
        Proc p = process(agent, host, pid, parent, at, executable, sha256, args);
        add(agent, host, at, new ProcessStart(p.info(), false));
        return p;
    }

    void write(Proc p, Instant at, String path) {
        add(p.agent(), p.host(), at, new FileChange(FileChange.Action.CREATE, path, null, false, p.info()));
        add(p.agent(), p.host(), at.plusMillis(5), new FileChange(FileChange.Action.MODIFY, path, null, false, p.info()));
    }

    void connect(Proc p, Instant at, String ip, int port) {
        add(p.agent(), p.host(), at, new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, ip, port, true, p.info()));
    }

    void accept(Proc p, Instant at, String fromIp, int fromPort) {
        add(p.agent(), p.host(), at, new NetworkActivity(NetworkActivity.Action.ACCEPT, "tcp", null, 0, fromIp, fromPort, true, p.info()));
    }

    void listening(Proc p, Instant at, String ip, int port) {
        add(p.agent(), p.host(), at, new NetworkActivity(NetworkActivity.Action.LISTENING_SOCKET, "tcp", ip, port, null, 0, true, p.info()));
    }

    private Proc process(String agent, String host, int pid, Proc parent, Instant at, String executable, String sha256, String... args) {
        long ticks = at.toEpochMilli() / 10;
        ProcessInfo.ParentRef ref = parent == null ? null
                : new ProcessInfo.ParentRef(parent.id(), parent.info().pid(), parent.info().executable(), parent.info().args());
        ProcessInfo info = new ProcessInfo(EntityIds.process(agent, pid, ticks), pid, at, ref, executable, List.of(args), "/root",
                sha256, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
        return new Proc(agent, host, info);
    }

    private void add(String agent, String host, Instant at, dev.kiroku.event.Payload payload) {
        long sequence = sequences.merge(agent, 1L, Long::sum);
        events.add(new Event(agent, sequence, at, host, List.of(), payload));
    }
}
