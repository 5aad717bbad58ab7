package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessExit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A detonation recorded by the agent already running on this machine: no second agent, no audit
 * lock, and the running agent's audit rules stay untouched. The events that arrive while the
 * sandbox runs are collected; after it ended, the recording waits for the launcher's exit to come
 * through the agent's pipeline (its reorder delay, then shipping), since everything the sandbox did
 * precedes it. Only the events of the agent that saw the sandbox's cgroup (or, when cgroup fields
 * are missing, that reported the launcher's exit) are kept: a server also receives other machines'
 * events.
 */
final class LiveRecording implements Recording {
    /**
     * How long the launcher's exit may take to arrive after the sandbox ended: the agent's reorder
     * delay plus the server's ingest (store commit, detection), which lags on a busy machine.
     */
    static final Duration ARRIVAL_WAIT = Duration.ofMinutes(2);
    /** Events of the last batches after the launcher's exit (late file changes). */
    static final Duration AFTER_EXIT = Duration.ofMillis(500);

    private final LiveEvents.Window window;
    private String shortfall = "";

    private LiveRecording(LiveEvents.Window window) {
        this.window = window;
    }

    static LiveRecording open(LiveEvents live) {
        return new LiveRecording(live.open());
    }

    @Override
    public String description() {
        return "the kiroku agent already recording this machine (its events scoped to the sandbox)" + shortfall;
    }

    @Override
    public List<Event> finish(long launcherPid, String cgroupPath) throws InterruptedException {
        Instant ended = Instant.now();
        boolean arrived = window.awaitEvent(e -> launcherExit(e, launcherPid), ARRIVAL_WAIT.toMillis());
        if (arrived) Thread.sleep(AFTER_EXIT.toMillis());
        close();
        if (!arrived) shortfall += "; the sandbox launcher's exit did not arrive within " + ARRIVAL_WAIT.toSeconds()
                + " s: the recording may miss the end (" + window.describe(ended) + ")";
        if (window.cutShort()) shortfall += "; more than " + LiveEvents.WINDOW_CAPACITY + " machine events during the run: the rest were not kept";
        List<Event> all = window.events();
        Set<String> agents = all.stream().filter(e -> SandboxScope.inCgroup(SandboxScope.processOf(e), cgroupPath))
                .map(Event::agentId).collect(Collectors.toCollection(java.util.HashSet::new));
        if (agents.isEmpty()) { // cgroup fields can be missing (a process gone before the agent read it): the launcher's exit names the agent
            all.stream().filter(e -> launcherExit(e, launcherPid)).map(Event::agentId).findFirst().ifPresent(agents::add);
        }
        if (agents.isEmpty()) shortfall += "; no event of the sandbox's processes arrived";
        return all.stream().filter(e -> agents.contains(e.agentId())).toList();
    }

    private static boolean launcherExit(Event e, long launcherPid) {
        return e.payload() instanceof ProcessExit x && x.process() != null && x.process().pid() == launcherPid;
    }

    @Override
    public void close() {
        window.close();
    }
}
