package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's picture of the processes on the endpoint, keyed by pid. It is seeded from a /proc
 * snapshot, follows forks (a child starts as a copy of its parent's image), execs (a new image,
 * same identity) and exits, and keeps exited processes for a grace period so that late file and
 * network events are still attributed. One thread owns it.
 *
 * <p>Identity: a process's entity id comes from (agent, pid, kernel start time), computed once when
 * it enters the table; a new fork of a reused pid replaces the old entry, so two processes never
 * merge.
 */
public final class ProcessTable {
    private final EntityIdFunction entityIds;
    private final long exitedGraceNanos;
    private final Map<Integer, Entry> byPid = new HashMap<>();
    private final Deque<Entry> exited = new ArrayDeque<>();

    private static final class Entry {
        ProcessInfo info;
        long startTicks;
        Instant exitedAt;
        long exitedNanos;

        Entry(ProcessInfo info, long startTicks) {
            this.info = info;
            this.startTicks = startTicks;
        }
    }

    public ProcessTable(String agentId, Duration exitedGrace) {
        this(EntityIdFunction.of(agentId), exitedGrace);
    }

    /** With entity ids from {@code entityIds} (the same ids, computed another way). */
    public ProcessTable(EntityIdFunction entityIds, Duration exitedGrace) {
        this.entityIds = entityIds;
        this.exitedGraceNanos = exitedGrace.toNanos();
    }

    public int size() {
        return byPid.size();
    }

    public Optional<ProcessInfo> get(int pid) {
        Entry entry = byPid.get(pid);
        return entry == null ? Optional.empty() : Optional.of(entry.info);
    }

    /** Start ticks the table holds for a pid, or -1. */
    public long startTicks(int pid) {
        Entry entry = byPid.get(pid);
        return entry == null ? -1 : entry.startTicks;
    }

    /** A process found running (snapshot) or learned about from /proc on demand. */
    public ProcessInfo learn(ProcessFacts facts, Instant startTime) {
        ProcessInfo info = build(facts, entityId(facts), startTime, parentRef(facts.ppid()));
        byPid.put(facts.pid(), new Entry(info, facts.startTicks()));
        return info;
    }

    /**
     * A fork: the child is a copy of the parent's image with its own identity. A fork for a pid
     * the table holds as a live child of the same parent is the late notice of a process already
     * seen executing; otherwise a fork for a pid the table still holds means the pid was reused
     * (its exit was missed or is still pending).
     */
    public ProcessInfo fork(int ppid, int pid, long startTicks, Instant startTime) {
        Entry known = byPid.get(pid);
        if (known != null && known.exitedAt == null && (known.startTicks == startTicks
                || known.info.parent() != null && known.info.parent().pid() == ppid)) {
            // The fork notice arrived after the exec it preceded (the sources are separate sockets).
            return known.info;
        }
        Entry parent = byPid.get(ppid);
        String entityId = entityIds.entityId(pid, startTicks);
        ProcessInfo.ParentRef parentRef = parentRef(ppid);
        ProcessInfo info = parent == null
                ? new ProcessInfo(entityId, pid, startTime, parentRef, null, null, null, null, null, -1, null, null)
                : copyImage(parent.info, entityId, pid, startTime, parentRef);
        byPid.put(pid, new Entry(info, startTicks));
        return info;
    }

    /**
     * An exec: the process keeps its identity (if the table knows it with the same start time) and
     * takes a new image. Returns the updated process.
     */
    public ProcessInfo exec(ProcessFacts facts, Instant startTime) {
        Entry known = byPid.get(facts.pid());
        boolean sameProcess = known != null && known.exitedAt == null
                && (facts.startTicks() < 0 || known.startTicks == facts.startTicks());
        long startTicks = sameProcess ? known.startTicks : facts.startTicks();
        Instant start = sameProcess && known.info.startTime() != null ? known.info.startTime() : startTime;
        ProcessFacts withTicks = facts.withStartTicks(startTicks);
        // The same process keeps its entity id: it is a digest of (agent, pid, start ticks), computed once.
        String entityId = sameProcess ? known.info.entityId() : entityId(withTicks);
        ProcessInfo info = build(withTicks, entityId, start, parentRef(facts.ppid()));
        byPid.put(facts.pid(), new Entry(info, startTicks));
        return info;
    }

    /** An exit; the entry stays for the grace period. Returns the process as it was known. */
    public Optional<ProcessInfo> exit(int pid, Instant when) {
        Entry entry = byPid.get(pid);
        if (entry == null || entry.exitedAt != null) return Optional.empty();
        entry.exitedAt = when;
        entry.exitedNanos = epochNanos(when);
        exited.addLast(entry);
        return Optional.of(entry.info);
    }

    /** Forgets exited processes older than the grace period. */
    public void expire(Instant now) {
        long nowNanos = epochNanos(now); // this runs at every exit: no Instant arithmetic per look
        while (!exited.isEmpty() && nowNanos - exited.peekFirst().exitedNanos > exitedGraceNanos) {
            Entry old = exited.pollFirst();
            byPid.remove(old.info.pid(), old);
        }
    }

    private static long epochNanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }

    private ProcessInfo.ParentRef parentRef(int ppid) {
        Entry parent = byPid.get(ppid);
        if (parent == null) return ppid > 0 ? new ProcessInfo.ParentRef(null, ppid, null, null) : null;
        ProcessInfo p = parent.info;
        return new ProcessInfo.ParentRef(p.entityId(), p.pid(), p.executable(), p.args());
    }

    private String entityId(ProcessFacts facts) {
        return entityIds.entityId(facts.pid(), facts.startTicks() < 0 ? 0 : facts.startTicks());
    }

    private static ProcessInfo build(ProcessFacts facts, String entityId, Instant startTime, ProcessInfo.ParentRef parent) {
        return new ProcessInfo(entityId, facts.pid(), startTime, parent, facts.executable(), facts.args(),
                facts.workingDirectory(), facts.sha256(), facts.credentials(), facts.session(), facts.tty(),
                facts.namespaces(), facts.md5(), facts.sha1());
    }

    private static ProcessInfo copyImage(ProcessInfo parent, String entityId, int pid, Instant startTime,
                                         ProcessInfo.ParentRef parentRef) {
        return new ProcessInfo(entityId, pid, startTime, parentRef, parent.executable(), parent.args(),
                parent.workingDirectory(), parent.sha256(), parent.user(), parent.session(), parent.tty(),
                parent.namespaces(), parent.md5(), parent.sha1());
    }
}
