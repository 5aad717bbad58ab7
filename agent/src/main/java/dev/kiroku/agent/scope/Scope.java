package dev.kiroku.agent.scope;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What part of the machine an agent records (ADR 4): the whole host, the processes of one network
 * namespace, or the processes of one cgroup subtree. Several scoped agents on one machine act as
 * separate endpoints. Events of processes whose namespace or cgroup the agent could not learn are
 * outside any narrower scope; events without a process (loss reports) are always inside.
 *
 * @param kind        host, netns or cgroup
 * @param netNamespace the network namespace inode (netns)
 * @param cgroup      the cgroup path prefix (cgroup)
 * @param label       how the scope was given, for inventory and status
 */
public record Scope(Kind kind, long netNamespace, String cgroup, String label) {
    public static final Scope HOST = new Scope(Kind.HOST, 0, null, "host");

    public enum Kind { HOST, NETNS, CGROUP }

    /**
     * Parses {@code host}, {@code netns:NAME} (a name under /run/netns), {@code netns:/path} (a
     * namespace file such as /proc/PID/ns/net) or {@code cgroup:/path}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Scope parse(String text) {
        if (text == null || text.isBlank() || text.equals("host")) return HOST;
        if (text.startsWith("netns:")) {
            String name = text.substring(6);
            Path file = name.startsWith("/") ? Path.of(name) : Path.of("/run/netns", name);
            try {
                return new Scope(Kind.NETNS, ((Number) Files.getAttribute(file, "unix:ino")).longValue(), null, text);
            } catch (IOException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("scope " + text + ": cannot read the namespace file " + file + ": " + e.getMessage());
            }
        }
        if (text.startsWith("cgroup:/")) return new Scope(Kind.CGROUP, 0, text.substring(7), text);
        throw new IllegalArgumentException("a scope is host, netns:NAME, netns:/path/to/ns or cgroup:/path, not '" + text + "'");
    }

    /** True when the event happened inside this scope. */
    public boolean contains(Event event) {
        if (kind == Kind.HOST) return true;
        ProcessInfo process = switch (event.payload()) {
            case ProcessStart start -> start.process();
            case ProcessExit exit -> exit.process();
            case FileChange change -> change.process();
            case NetworkActivity network -> network.process();
            case UserActivity user -> user.process();
            case dev.kiroku.event.ExecutionBlocked blocked -> blocked.process();
            case dev.kiroku.event.YaraDetection yara -> yara.process();
            default -> null;
        };
        if (process == null) return event.payload() instanceof dev.kiroku.event.LossReport;
        ProcessInfo.Namespaces namespaces = process.namespaces();
        if (namespaces == null) return false;
        return switch (kind) {
            case NETNS -> namespaces.netNamespace() == netNamespace;
            case CGROUP -> namespaces.cgroup() != null
                    && (namespaces.cgroup().equals(cgroup) || namespaces.cgroup().startsWith(cgroup.endsWith("/") ? cgroup : cgroup + "/"));
            case HOST -> true;
        };
    }
}
