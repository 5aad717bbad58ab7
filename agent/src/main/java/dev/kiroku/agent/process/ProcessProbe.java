package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the agent can read about live processes (from /proc); every call tolerates a vanished process. */
public interface ProcessProbe {

    /** Every pid running now. */
    List<Integer> pids();

    /** All that can be read about a running process; empty when it is gone. */
    Optional<ProcessFacts> read(int pid);

    /** The kernel start time of a process in clock ticks since boot, or -1 when it is gone. */
    long startTicks(int pid);

    /**
     * The start ticks of a process just forked, whose fork notice carries the kernel's
     * CLOCK_MONOTONIC time (0 when unknown): a probe may compute them from that time instead of
     * reading /proc, when it can be sure of the same answer. -1 when the process is gone and the
     * time does not tell. From {@link #startTicksFromForkTime} when that is certain, else {@link #startTicks}.
     */
    default long startTicksAtFork(int pid, long forkMonotonicNanos) {
        long ticks = startTicksFromForkTime(forkMonotonicNanos);
        return ticks >= 0 ? ticks : startTicks(pid);
    }

    /**
     * The start ticks of a forked process from its fork notice's time alone, without /proc (for a process known to be
     * gone): -1 when the time does not tell them for certain.
     */
    default long startTicksFromForkTime(long forkMonotonicNanos) {
        return -1;
    }

    /** Cgroup and namespace ids of a running process; null when it is gone. */
    ProcessInfo.Namespaces namespaces(int pid);

    /**
     * Cgroup and namespace ids of a process from the ids the kernel reported for it (BPF process sensor): only the
     * cgroup's path is looked up (once per cgroup). This default reads /proc like {@link #namespaces(int)}.
     */
    default ProcessInfo.Namespaces namespaces(int pid, long cgroupId, long pidNamespace, long mountNamespace, long netNamespace) {
        return namespaces(pid);
    }

    /** Converts kernel start ticks to an instant. */
    Instant startTime(long startTicks);

    /** The user name of a uid, or null. */
    String userName(int uid);
}
