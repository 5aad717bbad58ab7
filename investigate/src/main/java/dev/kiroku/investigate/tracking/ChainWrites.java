package dev.kiroku.investigate.tracking;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recorded writes of every file a chain of processes ran (executables and scripts), fetched with one store
 * question per endpoint instead of one per file. When that page was cut before it reached a write old enough for some
 * file, that file alone is asked again, so the answer is the same as asking file by file.
 */
final class ChainWrites {
    /** Writes fetched per endpoint in the one question; a chain runs a handful of files. */
    private static final int PAGE = 500;
    /** Writes looked at when one file is asked again. */
    private static final int PER_FILE = 20;

    /** A file a process ran, in the role it ran it. */
    record RanFile(String path, String role, String sha256) {
    }

    private final EventHistory history;
    private final Duration slack;
    /** Per endpoint: the fetched writes by path, newest first, and whether the page was cut. */
    private final Map<String, Map<String, List<Event>>> byAgent = new HashMap<>();
    private final Set<String> cutAgents = new LinkedHashSet<>();

    private ChainWrites(EventHistory history, Duration slack) {
        this.history = history;
        this.slack = slack;
    }

    /**
     * @param processes the process images of a chain (any endpoints)
     * @param slack     how long after a process ran a write still counts as before it (different sensors' clocks)
     */
    static ChainWrites of(EventHistory history, List<ProcessRecord> processes, Duration slack) {
        ChainWrites writes = new ChainWrites(history, slack);
        Map<String, Set<String>> paths = new LinkedHashMap<>();
        Map<String, Instant> latest = new HashMap<>();
        for (ProcessRecord p : processes) {
            for (RanFile f : filesRunBy(p)) paths.computeIfAbsent(p.agentId(), a -> new LinkedHashSet<>()).add(f.path());
            latest.merge(p.agentId(), ranAt(p), (a, b) -> a.isAfter(b) ? a : b);
        }
        paths.forEach((agent, files) -> {
            Page page = history.writesToAny(agent, files, latest.get(agent).plus(slack), PAGE);
            Map<String, List<Event>> byPath = new HashMap<>();
            for (Hit hit : page.hits()) {
                if (hit.event().payload() instanceof FileChange f) byPath.computeIfAbsent(f.path(), x -> new ArrayList<>()).add(hit.event());
            }
            writes.byAgent.put(agent, byPath);
            if (page.hasMore()) writes.cutAgents.add(agent);
        });
        return writes;
    }

    /** The image and, for interpreters, the script. */
    static List<RanFile> filesRunBy(ProcessRecord p) {
        List<RanFile> out = new ArrayList<>(2);
        if (p.executable() != null && !p.executable().isEmpty()) out.add(new RanFile(p.executable(), "executable", p.sha256()));
        ProcessRoles.script(p).ifPresent(script -> out.add(new RanFile(script, "script", null)));
        return out;
    }

    static Instant ranAt(ProcessRecord p) {
        return p.seen() == null ? p.startTime() : p.seen();
    }

    /**
     * The write that put the file there before the process ran it: the newest write not after the exec, else the
     * oldest within the slack after it; writes by the process itself do not count. Null when the record holds none.
     */
    Event lastWriteBefore(ProcessRecord p, String path) {
        Instant ranAt = ranAt(p);
        Instant until = ranAt.plus(slack);
        Map<String, List<Event>> byPath = byAgent.get(p.agentId());
        List<Event> fetched = byPath == null ? null : byPath.getOrDefault(path, List.of());
        Event last = null;
        if (fetched != null) {
            for (Event e : fetched) {
                if (!e.timestamp().isBefore(until)) continue;
                ProcessRecord writer = ProcessRecord.of(e);
                if (writer == null || writer.entityId().equals(p.entityId())) continue;
                last = e;
                if (!e.timestamp().isAfter(ranAt)) return e;
            }
            if (!cutAgents.contains(p.agentId())) return last;
        }
        // The page was cut (or the endpoint not asked): this file alone.
        last = null;
        for (Event e : history.writesTo(p.agentId(), path, new Window(null, until), PER_FILE)) {
            ProcessRecord writer = ProcessRecord.of(e);
            if (writer == null || writer.entityId().equals(p.entityId())) continue;
            last = e;
            if (!e.timestamp().isAfter(ranAt)) break;
        }
        return last;
    }
}
