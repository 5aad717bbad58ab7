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

    /** Cgroup and namespace ids of a running process; null when it is gone. */
    ProcessInfo.Namespaces namespaces(int pid);

    /** Converts kernel start ticks to an instant. */
    Instant startTime(long startTicks);

    /** The user name of a uid, or null. */
    String userName(int uid);
}
