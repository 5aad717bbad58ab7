package dev.kiroku.investigate.workflow;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryEntry;
import dev.kiroku.investigate.tracking.ProcessRoles;
import dev.kiroku.store.TermCount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step 3, "who else has it": every endpoint carrying an executable or script, by hash and by name, from the recorded
 * history (executions, connections of those executions, writes of the file) and from the file inventory (including
 * copies that never ran).
 */
public final class ScopeFinder {
    private static final int MAX_ENDPOINTS = 10_000;
    private static final int MAX_RUNS = 2_000;
    private static final int MAX_PATH_CHECKS = 200;

    private final EventHistory history;
    private final FileInventory inventory;

    /** @param inventory null when no inventory is available (recorded history only) */
    public ScopeFinder(EventHistory history, FileInventory inventory) {
        this.history = history;
        this.inventory = inventory;
    }

    /** Endpoints with this content hash. */
    public ArtifactScope byHash(String sha256, String path, Window window) {
        Map<String, Builder> endpoints = new LinkedHashMap<>();
        List<String> agents = history.agentsThatRan(sha256, window, MAX_ENDPOINTS);
        if (!agents.isEmpty()) {
            for (ProcessRecord p : history.runsOfHash(sha256, window, MAX_RUNS)) {
                endpoints.computeIfAbsent(p.agentId(), a -> new Builder(a, p.hostName(), "hash")).ran(p, p.seen());
            }
            for (String agent : agents) endpoints.computeIfAbsent(agent, a -> new Builder(a, "", "hash")).evidence("exec events");
        }
        if (inventory != null) {
            for (InventoryEntry entry : inventory.byHash(sha256)) {
                endpoints.computeIfAbsent(entry.agentId(), a -> new Builder(a, entry.hostName(), "hash")).inventory(entry);
            }
        }
        ranFromInventoryPaths(endpoints, window);
        connectedOut(endpoints, window);
        return new ArtifactScope(path == null ? null : name(path), path, sha256, endpoints.values().stream().map(b -> b.build(sha256)).toList());
    }

    /**
     * Endpoints with a file of this name (or exactly this path when it starts with '/'): executed under that name
     * (as image or script), written, or in the inventory.
     */
    public ArtifactScope byName(String nameOrPath, Window window) {
        boolean isPath = nameOrPath.startsWith("/");
        String name = name(nameOrPath);
        Map<String, Builder> endpoints = new LinkedHashMap<>();
        String execs = (isPath ? QueryText.exactPath("process.executable", nameOrPath) : QueryText.exact("process.name", name))
                + " OR process.args:" + QueryText.quoted(name);
        for (Event e : history.events("(" + execs + ") AND event.action:(exec OR already_running)", window, MAX_RUNS)) {
            ProcessRecord p = ProcessRecord.of(e);
            if (p == null || !runs(p, nameOrPath, isPath)) continue;
            endpoints.computeIfAbsent(e.agentId(), a -> new Builder(a, e.hostName(), "name")).ran(p, e.timestamp());
        }
        String writes = (isPath ? QueryText.exactPath("file.path", nameOrPath) : QueryText.exact("file.name", name))
                + " AND event.action:(creation OR modification OR rename)";
        for (Event e : history.events(writes, window, MAX_RUNS)) {
            FileChange f = (FileChange) e.payload();
            endpoints.computeIfAbsent(e.agentId(), a -> new Builder(a, e.hostName(), "name")).written(f.path(), e.timestamp());
        }
        if (inventory != null) {
            List<InventoryEntry> entries = isPath ? new ArrayList<>() : inventory.byName(name);
            if (isPath) for (String agent : inventory.agents()) entries.addAll(inventory.byPath(agent, nameOrPath));
            for (InventoryEntry entry : entries) {
                endpoints.computeIfAbsent(entry.agentId(), a -> new Builder(a, entry.hostName(), "name")).inventory(entry);
            }
        }
        connectedOut(endpoints, window);
        return new ArtifactScope(name, isPath ? nameOrPath : null, null, endpoints.values().stream().map(b -> b.build(null)).toList());
    }

    /** Whether a process ran this file: as its image, or as the script an interpreter ran. */
    private static boolean runs(ProcessRecord p, String nameOrPath, boolean isPath) {
        String script = ProcessRoles.script(p).orElse(null);
        if (isPath) return nameOrPath.equals(p.executable()) || nameOrPath.equals(script);
        String name = name(nameOrPath);
        return name.equals(p.name()) || script != null && name.equals(name(script));
    }

    /**
     * Scripts run through an interpreter carry the interpreter's hash, not theirs: a copy the inventory hashed counts as
     * run when the record shows its path executed on that endpoint.
     */
    private void ranFromInventoryPaths(Map<String, Builder> endpoints, Window window) {
        int checked = 0;
        for (Builder b : endpoints.values()) {
            if (b.ran) continue;
            for (String path : List.copyOf(b.paths)) {
                if (checked++ == MAX_PATH_CHECKS) return;
                for (ProcessRecord p : history.runsOf(b.agentId, path, window, 20)) {
                    if (runs(p, path, true)) b.ran(p, p.seen());
                }
            }
        }
    }

    /** Marks the endpoints where any of the processes found connected out: one store question per 500 processes. */
    private void connectedOut(Map<String, Builder> endpoints, Window window) {
        List<String> ids = new ArrayList<>();
        for (Builder b : endpoints.values()) ids.addAll(b.processes);
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
            for (TermCount agent : history.terms(QueryText.anyOf("process.entity_id", chunk) + " AND event.action:connect", window,
                    "agent.id", endpoints.size())) {
                Builder b = endpoints.get(agent.value());
                if (b != null) b.connected = true;
            }
        }
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static final class Builder {
        final String agentId;
        String hostName;
        final String matchedBy;
        final Set<String> paths = new LinkedHashSet<>();
        final Set<String> processes = new LinkedHashSet<>();
        final Set<String> evidence = new LinkedHashSet<>();
        String sha256;
        Instant first;
        Instant last;
        boolean ran;
        boolean connected;

        Builder(String agentId, String hostName, String matchedBy) {
            this.agentId = agentId;
            this.hostName = hostName;
            this.matchedBy = matchedBy;
        }

        void seen(Instant t) {
            if (t == null) return;
            if (first == null || t.isBefore(first)) first = t;
            if (last == null || t.isAfter(last)) last = t;
        }

        void ran(ProcessRecord p, Instant t) {
            ran = true;
            processes.add(p.entityId());
            String script = ProcessRoles.script(p).orElse(null);
            paths.add(script != null ? script : p.executable());
            if (hostName.isEmpty()) hostName = p.hostName();
            evidence("exec events");
            seen(t);
        }

        void written(String path, Instant t) {
            paths.add(path);
            evidence("file events");
            seen(t);
        }

        void inventory(InventoryEntry entry) {
            paths.add(entry.path());
            if (!entry.sha256().isEmpty()) sha256 = entry.sha256();
            if (entry.executed()) ran = true;
            if (hostName == null || hostName.isEmpty()) hostName = entry.hostName();
            evidence("inventory " + entry.source());
            seen(entry.firstSeen());
            seen(entry.lastSeen());
        }

        void evidence(String what) {
            evidence.add(what);
        }

        Presence build(String hash) {
            Presence.State state = connected ? Presence.State.CONNECTED_OUT : ran ? Presence.State.RAN : Presence.State.DORMANT;
            return new Presence(agentId, hostName, List.copyOf(paths), hash != null ? hash : sha256, state, matchedBy, first, last,
                    List.copyOf(evidence));
        }
    }
}
