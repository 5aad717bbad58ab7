package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the sample's events out of a whole-machine recording. A process belongs to the sandbox
 * when it is in the sandbox's cgroup, is the launcher, or descends from one that belongs; the
 * sample's own tree starts at the process that enters the sample's user namespace (the setup's
 * mounts are the sandbox's doing, not the sample's). File paths in the scratch layer are shown as
 * the sample saw them.
 */
final class SandboxScope {
    /** Marks the exec that starts the sample (the setup script's last step). */
    static final String SAMPLE_MARKER = "--map-root-user";

    private final String cgroupPath;
    private final long launcherPid;
    private final ScratchLayer scratch;
    private final String workPrefix;

    SandboxScope(String cgroupPath, long launcherPid, ScratchLayer scratch) {
        this.cgroupPath = cgroupPath;
        this.launcherPid = launcherPid;
        this.scratch = scratch;
        this.workPrefix = scratch.work() + "/";
    }

    List<Event> sampleEvents(List<Event> recording) {
        List<ProcessInfo> starts = recording.stream().map(Event::payload)
                .filter(p -> p instanceof ProcessStart s && !s.snapshot()).map(p -> ((ProcessStart) p).process()).toList();
        Set<String> sandbox = new HashSet<>();
        for (int pass = 0; pass < 4; pass++) {
            for (ProcessInfo p : starts) {
                if (inCgroup(p, cgroupPath) || p.pid() == launcherPid || parentIn(p, sandbox)) sandbox.add(p.entityId());
            }
        }
        Set<String> sample = new HashSet<>();
        starts.stream().filter(p -> sandbox.contains(p.entityId()) && p.args().contains(SAMPLE_MARKER)).findFirst()
                .ifPresent(root -> sample.add(root.entityId()));
        for (int pass = 0; pass < 4 && !sample.isEmpty(); pass++) {
            for (ProcessInfo p : starts) if (parentIn(p, sample)) sample.add(p.entityId());
        }
        List<Event> kept = new ArrayList<>();
        for (Event e : recording) {
            ProcessInfo process = processOf(e);
            if (process == null || !sample.contains(process.entityId())) continue;
            if (e.payload() instanceof FileChange f) {
                if (f.path() != null && f.path().startsWith(workPrefix)) continue; // the overlay's own bookkeeping
                kept.add(new Event(e.agentId(), e.sequence(), e.timestamp(), e.hostName(), e.incomplete(),
                        new FileChange(f.action(), inside(f.path()), inside(f.oldPath()), f.directory(), f.process())));
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    /** Whether the process (may be null) is in the cgroup {@code cgroupPath} or below it. */
    static boolean inCgroup(ProcessInfo p, String cgroupPath) {
        return p != null && p.namespaces() != null && p.namespaces().cgroup() != null && p.namespaces().cgroup().startsWith(cgroupPath);
    }

    private static boolean parentIn(ProcessInfo p, Set<String> set) {
        return p.parent() != null && p.parent().entityId() != null && set.contains(p.parent().entityId());
    }

    /** A scratch-layer path as the sample saw it ("/etc/cron.d/x"); other paths unchanged. */
    String inside(String path) {
        if (path == null) return null;
        String inside = scratch.inside(path);
        return inside == null ? path : inside;
    }

    static ProcessInfo processOf(Event e) {
        return switch (e.payload()) {
            case ProcessStart s -> s.process();
            case ProcessExit x -> x.process();
            case FileChange f -> f.process();
            case NetworkActivity n -> n.process();
            case UserActivity u -> u.process();
            default -> null;
        };
    }
}
