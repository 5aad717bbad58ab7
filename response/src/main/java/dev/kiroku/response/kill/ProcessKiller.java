package dev.kiroku.response.kill;

import dev.kiroku.event.EntityIds;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ffm.Sys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kills a process, or a process and all its descendants, named by its entity id
 * ({@link EntityIds#process}: agent id, pid and start time), so a reused pid is never hit.
 *
 * <p>Every member is held through a pidfd opened after its start time was checked, and all signals
 * go through those pidfds: once verified, a signal cannot reach another process that later got
 * the same pid. A tree is first frozen with SIGSTOP, rescanning until two passes in a row find no
 * new child (a stopped process cannot fork), then every member gets SIGKILL and the killer waits
 * until each pidfd reports the exit. Zombies waiting for their parent to reap them count as dead.
 */
public final class ProcessKiller {
    public static final String ACTION = "kill";
    private static final int MAX_PASSES = 100;
    private static final int EXIT_WAIT_MILLIS = 5000;

    private final Path proc;
    private final String agentId;
    private final int self = (int) ProcessHandle.current().pid();

    public ProcessKiller(Path proc, String agentId) {
        this.proc = proc;
        this.agentId = agentId;
    }

    public ProcessKiller(String agentId) {
        this(Path.of("/proc"), agentId);
    }

    /**
     * @param entityId the process entity id
     * @param pidHint  the pid the event carried (checked against the entity id), or null to search all processes
     * @param tree     whether to kill all descendants as well
     */
    public ActionResult kill(String entityId, Integer pidHint, boolean tree) {
        Optional<ProcStat> found = resolve(entityId, pidHint);
        if (found.isEmpty()) {
            return ActionResult.already(ACTION, entityId, "no running process has this entity id: it has already exited");
        }
        ProcStat root = found.get();
        if (root.pid() <= 2 || root.pid() == self || root.ppid() == 2) {
            return ActionResult.failed(ACTION, entityId, "refusing to kill pid " + root.pid()
                    + (root.pid() == self ? " (the agent itself)" : " (init or a kernel thread)"));
        }
        Map<Integer, Member> members = new LinkedHashMap<>();
        try {
            Member first = Member.open(proc, root);
            if (first == null) {
                return ActionResult.already(ACTION, entityId, "process " + root.pid() + " exited before it could be signalled");
            }
            members.put(root.pid(), first);
            if (tree) {
                String refused = freezeTree(members);
                if (refused != null) {
                    members.values().forEach(m -> Sys.pidfdSignal(m.pidfd, Sys.SIGCONT));
                    return ActionResult.failed(ACTION, entityId, refused + "; the tree was resumed, nothing killed");
                }
            }
            for (Member m : members.values()) {
                Sys.pidfdSignal(m.pidfd, Sys.SIGKILL);
            }
            List<Integer> survivors = new ArrayList<>();
            long deadline = System.nanoTime() + EXIT_WAIT_MILLIS * 1_000_000L;
            for (Member m : members.values()) {
                int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                if (Sys.pollIn(m.pidfd, left) <= 0 && alive(m)) {
                    survivors.add(m.pid);
                }
            }
            List<Integer> pids = List.copyOf(members.keySet());
            if (!survivors.isEmpty()) {
                return new ActionResult(ACTION, entityId, dev.kiroku.response.Outcome.FAILED,
                        survivors.size() + " of " + pids.size() + " processes still alive after SIGKILL: " + survivors,
                        Map.of("pids", pids, "survivors", survivors), null);
            }
            return ActionResult.done(ACTION, entityId, "killed " + pids.size() + " process" + (pids.size() == 1 ? "" : "es")
                    + (tree ? " (tree of pid " + root.pid() + ")" : " (pid " + root.pid() + ")"), Map.of("pids", pids));
        } finally {
            members.values().forEach(m -> Sys.close(m.pidfd));
        }
    }

    /** Stops the whole tree; returns why it refused, or null. */
    private String freezeTree(Map<Integer, Member> members) {
        Sys.pidfdSignal(members.values().iterator().next().pidfd, Sys.SIGSTOP);
        int quietPasses = 0;
        for (int pass = 0; pass < MAX_PASSES && quietPasses < 2; pass++) {
            List<Member> added = new ArrayList<>();
            for (ProcStat p : ProcStat.all(proc)) {
                if (!members.containsKey(p.pid()) && members.containsKey(p.ppid()) && !p.gone()) {
                    if (p.pid() == self) {
                        return "the tree contains the agent itself (pid " + self + ")";
                    }
                    Member m = Member.open(proc, p);
                    if (m != null) {
                        Sys.pidfdSignal(m.pidfd, Sys.SIGSTOP);
                        members.put(p.pid(), m);
                        added.add(m);
                    }
                }
            }
            waitStopped(members.values());
            quietPasses = added.isEmpty() ? quietPasses + 1 : 0;
        }
        return null;
    }

    /** Waits (up to 200 ms) until every member is stopped or gone, so none is still mid-fork. */
    private void waitStopped(Iterable<Member> members) {
        long deadline = System.nanoTime() + 200_000_000L;
        for (Member m : members) {
            while (System.nanoTime() < deadline) {
                Optional<ProcStat> s = ProcStat.read(proc, m.pid);
                if (s.isEmpty() || s.get().startTicks() != m.startTicks || s.get().stopped() || s.get().gone()) {
                    break;
                }
                Thread.onSpinWait();
            }
        }
    }

    private boolean alive(Member m) {
        Optional<ProcStat> s = ProcStat.read(proc, m.pid);
        return s.isPresent() && s.get().startTicks() == m.startTicks && !s.get().gone();
    }

    private Optional<ProcStat> resolve(String entityId, Integer pidHint) {
        if (pidHint != null) {
            return ProcStat.read(proc, pidHint).filter(s -> !s.gone() && matches(entityId, s));
        }
        return ProcStat.all(proc).stream().filter(s -> !s.gone() && matches(entityId, s)).findFirst();
    }

    private boolean matches(String entityId, ProcStat s) {
        return EntityIds.process(agentId, s.pid(), s.startTicks()).equals(entityId);
    }

    /** A verified member of the tree, held by pidfd. */
    private record Member(int pid, long startTicks, int pidfd) {
        /** Opens a pidfd and checks the start time again; null when the process is gone or the pid was reused. */
        static Member open(Path proc, ProcStat expected) {
            int fd = Sys.pidfdOpen(expected.pid());
            if (fd < 0) {
                return null;
            }
            Optional<ProcStat> now = ProcStat.read(proc, expected.pid());
            if (now.isEmpty() || now.get().startTicks() != expected.startTicks()) {
                Sys.close(fd);
                return null;
            }
            return new Member(expected.pid(), expected.startTicks(), fd);
        }
    }
}
