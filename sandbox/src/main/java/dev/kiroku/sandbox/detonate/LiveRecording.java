package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessExit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A detonation recorded by the agent already running on this machine: no second agent, no audit
 * lock, and the running agent's audit rules stay untouched. The events that arrive while the
 * sandbox runs are collected; after it ended, the recording waits for the launcher's exit to come
 * through the agent's pipeline (its reorder delay, then shipping), since everything the sandbox did
 * precedes it. Only the events of the agent that saw the sandbox's cgroup are kept (a server also
 * receives other machines' events).
 */
final class LiveRecording implements Recording {
    /** How long the launcher's exit may take to arrive after the sandbox ended. */
    static final Duration ARRIVAL_WAIT = Duration.ofSeconds(20);
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
        boolean arrived = window.awaitEvent(e -> e.payload() instanceof ProcessExit x && x.process() != null
                && x.process().pid() == launcherPid, ARRIVAL_WAIT.toMillis());
        if (arrived) Thread.sleep(AFTER_EXIT.toMillis());
        else shortfall += "; the sandbox launcher's exit did not arrive within " + ARRIVAL_WAIT.toSeconds() + " s: the recording may miss the end";
        close();
        if (window.cutShort()) shortfall += "; more than " + LiveEvents.WINDOW_CAPACITY + " machine events during the run: the rest were not kept";
        List<Event> all = window.events();
        Set<String> agents = all.stream().filter(e -> SandboxScope.inCgroup(SandboxScope.processOf(e), cgroupPath))
                .map(Event::agentId).collect(Collectors.toSet());
        if (agents.isEmpty()) shortfall += "; no event of the sandbox's processes arrived";
        return all.stream().filter(e -> agents.contains(e.agentId())).toList();
    }

    @Override
    public void close() {
        window.close();
    }
}
