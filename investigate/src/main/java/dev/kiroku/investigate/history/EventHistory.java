package dev.kiroku.investigate.history;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;
import dev.kiroku.store.TermCount;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static dev.kiroku.investigate.history.QueryText.exact;
import static dev.kiroku.investigate.history.QueryText.exactPath;

/**
 * The questions investigation asks of the event store, each one query (or a few pages). Questions about process
 * records go to the {@link ProcessIndex} first when there is one (one lookup instead of a store search), to the
 * store otherwise. Process records found are cached by entity id (a process's start never changes once recorded);
 * absence is not, because events become searchable a moment after they are stored.
 */
public final class EventHistory {
    private static final String WRITES = "event.action:(creation OR modification OR rename)";
    public static final int CHILD_SCAN = 5_000;
    private static final String STARTS = "event.action:(exec OR already_running)";

    private final EventStore store;
    private final InstantSource clock;
    private final ProcessIndex index;
    /** Found process records kept per history; a server's history lives as long as the server. */
    private static final int CACHE_ENTRIES = 100_000;
    private final Map<String, Optional<ProcessRecord>> processes = new ConcurrentHashMap<>();
    private final Map<String, List<ProcessRecord>> images = new ConcurrentHashMap<>();

    /** Over the store alone. */
    public EventHistory(EventStore store, InstantSource clock) {
        this(store, clock, null);
    }

    /** @param index the process record index beside the store; null for the store alone */
    public EventHistory(EventStore store, InstantSource clock, ProcessIndex index) {
        this.store = store;
        this.clock = clock;
        this.index = index;
    }

    public InstantSource clock() {
        return clock;
    }

    /** Events matching the query within the window, newest first, at most {@code limit} (paging through). */
    public List<Event> events(String query, Window window, int limit) {
        List<Event> out = new ArrayList<>();
        EventQuery q = EventQuery.parse(query, clock).between(window.from(), window.to())
                .limit(Math.min(Math.max(limit, 1), EventQuery.MAX_LIMIT));
        while (out.size() < limit) {
            Page page = store.search(q);
            for (Hit hit : page.hits()) {
                if (out.size() == limit) break;
                out.add(hit.event());
            }
            if (!page.hasMore()) break;
            q = q.after(page.next());
        }
        return out;
    }

    /** The same, oldest first. */
    public List<Event> eventsAscending(String query, Window window, int limit) {
        List<Event> events = new ArrayList<>(events(query, window, limit));
        events.sort(Comparator.comparing(Event::timestamp).thenComparingLong(Event::sequence));
        return events;
    }

    public long count(String query, Window window) {
        return store.count(EventQuery.parse(query, clock).between(window.from(), window.to()));
    }

    /** The most frequent values of an aggregatable field among matching events. */
    public List<TermCount> terms(String query, Window window, String field, int size) {
        return store.terms(EventQuery.parse(query, clock).between(window.from(), window.to()), field, size).top();
    }

    /**
     * The process with this entity id: its newest recorded image (exec or snapshot; see {@link #images}), else pieced
     * together from any of its events.
     */
    public Optional<ProcessRecord> process(String entityId) {
        if (entityId == null || entityId.isBlank()) return Optional.empty();
        Optional<ProcessRecord> cached = processes.get(entityId);
        if (cached != null) return cached;
        Optional<ProcessRecord> found = lookUp(entityId);
        // Absence is never cached: the process's events may not be searchable yet (a server indexes behind its ingest).
        if (found.isPresent()) remember(processes, entityId, found);
        return found;
    }

    /** Caches a found answer; a long-lived history drops its cache when it is full rather than grow without bound. */
    private static <V> void remember(Map<String, V> cache, String key, V value) {
        if (cache.size() >= CACHE_ENTRIES) cache.clear();
        cache.put(key, value);
    }

    private Optional<ProcessRecord> lookUp(String entityId) {
        List<ProcessRecord> images = images(entityId);
        if (!images.isEmpty()) return Optional.of(images.getLast());
        List<Event> any = events(exact("process.entity_id", entityId), Window.ALL, 1);
        return any.isEmpty() ? Optional.empty() : Optional.ofNullable(ProcessRecord.of(any.getFirst()));
    }

    /**
     * Every image the process ran, oldest first: a process that exec'd several times (a spawn helper that exec'd a
     * script, a shell that exec'd curl) keeps its entity id across them. Empty when none is recorded.
     */
    public List<ProcessRecord> images(String entityId) {
        if (entityId == null || entityId.isBlank()) return List.of();
        List<ProcessRecord> cached = images.get(entityId);
        if (cached != null) return cached;
        List<ProcessRecord> found = lookUpImages(entityId);
        if (!found.isEmpty()) remember(images, entityId, found);
        return found;
    }

    private List<ProcessRecord> lookUpImages(String id) {
        if (index != null) {
            List<ProcessRecord> indexed = index.images(id);
            if (!indexed.isEmpty() || index.complete()) return indexed;
        }
        List<ProcessRecord> out = new ArrayList<>();
        for (Event e : eventsAscending(exact("process.entity_id", id) + " AND " + STARTS, Window.ALL, 50)) {
            ProcessRecord r = ProcessRecord.of(e);
            if (r != null) out.add(r);
        }
        return List.copyOf(out);
    }

    /**
     * Child processes (each once, by entity id), oldest first; at most {@code limit}. The store pages newest first, so
     * the oldest are found among the newest {@value #CHILD_SCAN} child execs; {@link #childStarts} tells when there are more.
     */
    public List<ProcessRecord> children(String entityId, Window window, int limit) {
        if (indexComplete()) return index.children(entityId, window, limit);
        Map<String, ProcessRecord> byId = new LinkedHashMap<>();
        for (Event e : eventsAscending(exact("process.parent.entity_id", entityId) + " AND " + STARTS, window, CHILD_SCAN)) {
            ProcessRecord r = ProcessRecord.of(e);
            if (r != null) byId.putIfAbsent(r.entityId(), r);
            if (byId.size() == limit) break;
        }
        return List.copyOf(byId.values());
    }

    /** How many distinct start events name this parent (an upper bound on its children). */
    public long childStarts(String entityId, Window window) {
        if (indexComplete()) return index.childStarts(entityId, window);
        return count(exact("process.parent.entity_id", entityId) + " AND " + STARTS, window);
    }

    /**
     * Writes (creation, close after write, rename onto) of a path on one endpoint, newest first. Narrowed to the agent in
     * the query: a path common to many endpoints (a shared tool, a dropper's fixed name) would otherwise fill the limit
     * with other endpoints' writes and hide this one's.
     */
    public List<Event> writesTo(String agentId, String path, Window window, int limit) {
        return events(exact("agent.id", agentId) + " AND " + exactPath("file.path", path) + " AND " + WRITES, window, limit);
    }

    /** File changes a process made, oldest first. */
    public List<Event> fileChangesBy(String entityId, Window window, int limit) {
        return eventsAscending(exact("process.entity_id", entityId) + " AND event.category:file", window, limit);
    }

    /** Outgoing connections a process made, oldest first. */
    public List<Event> connectionsBy(String entityId, Window window, int limit) {
        return eventsAscending(exact("process.entity_id", entityId) + " AND event.action:connect", window, limit);
    }

    /** Network events of a process (connect, accept, listen, bind), oldest first. */
    public List<Event> networkBy(String entityId, Window window, int limit) {
        return eventsAscending(exact("process.entity_id", entityId) + " AND event.category:network", window, limit);
    }

    /** Executions of a path (as the image, or as the script an interpreter ran), oldest first. */
    public List<Event> executionsOf(String path, Window window, int limit) {
        return eventsAscending("(" + exactPath("process.executable", path) + " OR process.args:" + QueryText.quoted(path)
                + ") AND event.action:exec", window, limit);
    }

    /** Starts (exec or snapshot) of a file with this SHA-256, newest first, at most {@code limit}. */
    public List<ProcessRecord> runsOfHash(String sha256, Window window, int limit) {
        if (indexComplete()) return index.withHash(sha256, window, limit);
        List<ProcessRecord> out = new ArrayList<>();
        for (Event e : events(runsOfHashQuery(sha256), window, limit)) {
            ProcessRecord r = ProcessRecord.of(e);
            if (r != null) out.add(r);
        }
        return out;
    }

    /** The endpoints that started a file with this SHA-256, at most {@code limit}. */
    public List<String> agentsThatRan(String sha256, Window window, int limit) {
        if (indexComplete()) return index.agentsWithHash(sha256, window, limit);
        return terms(runsOfHashQuery(sha256), window, "agent.id", limit).stream().map(TermCount::value).toList();
    }

    private static String runsOfHashQuery(String sha256) {
        return exact("process.hash.sha256", sha256) + " AND " + STARTS;
    }

    /**
     * Processes that ran this path on the endpoint, as the image or as an interpreter's script, oldest first. Without a
     * complete index these are the store's candidates (the path as image or among the arguments): confirm the script
     * with {@code ProcessRoles.script}.
     */
    public List<ProcessRecord> runsOf(String agentId, String path, Window window, int limit) {
        if (indexComplete()) return index.executionsOf(agentId, path, window, limit);
        List<ProcessRecord> out = new ArrayList<>();
        for (Event e : eventsAscending(exact("agent.id", agentId) + " AND (" + exactPath("process.executable", path)
                + " OR process.args:" + QueryText.quoted(path) + ") AND event.action:exec", window, limit)) {
            ProcessRecord r = ProcessRecord.of(e);
            if (r != null) out.add(r);
        }
        return out;
    }

    /**
     * Writes (creation, close after write, rename onto) of any of these paths on one endpoint up to {@code to}, newest
     * first, at most {@code limit}: one store question for every file of a chain.
     */
    public Page writesToAny(String agentId, Collection<String> paths, Instant to, int limit) {
        String anyPath = paths.stream().map(p -> exactPath("file.path", p)).collect(java.util.stream.Collectors.joining(" OR "));
        return store.search(EventQuery.parse(exact("agent.id", agentId) + " AND (" + anyPath + ") AND " + WRITES, clock)
                .between(null, to).limit(Math.min(Math.max(limit, 1), EventQuery.MAX_LIMIT)));
    }

    private boolean indexComplete() {
        return index != null && index.complete();
    }

    /** Events of any of these processes, oldest first. */
    public List<Event> eventsOf(Collection<String> entityIds, Window window, int limit) {
        if (entityIds.isEmpty()) return List.of();
        return eventsAscending(QueryText.anyOf("process.entity_id", entityIds), window, limit);
    }

    public Instant now() {
        return clock.instant();
    }
}
