package dev.kiroku.investigate.tracking;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.investigate.graph.EdgeKind;
import dev.kiroku.investigate.graph.GraphBuilder;
import dev.kiroku.investigate.graph.Node;
import dev.kiroku.investigate.graph.ProvenanceGraph;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.history.FileActions;
import dev.kiroku.investigate.history.ProcessRecord;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Backward tracking: from a process up its ancestors to the first process of its session (init, an sshd session,
 * cron, a service), and for each executable or script in that chain, the process that wrote it, when, the connections
 * that writer made just before (the download origin), and recursively how the writer started.
 */
public final class RootCauseTracker {
    /**
     * File changes come from fanotify and execs from audit, stamped by different sources: a write read a moment after the
     * exec it preceded still counts as before it.
     */
    private static final Duration SENSOR_SLACK = Duration.ofSeconds(1);
    /**
     * A parent's exec and its child's start come from different sources (audit records, process-connector forks,
     * start ticks of 10 ms): under load an exec that preceded the fork was seen stamped up to hundreds of
     * milliseconds after it (CI, session 2), so images within this slack of the child's start count as before it.
     */
    private static final Duration IMAGE_SLACK = Duration.ofSeconds(1);

    private final EventHistory history;
    private final CrossHostLinker linker;

    public RootCauseTracker(EventHistory history, CrossHostLinker linker) {
        this.history = history;
        this.linker = linker;
    }

    /**
     * @throws NoSuchElementException when no event of the process is recorded
     */
    public RootCause trace(String entityId, TrackingLimits limits) {
        ProcessRecord subject = history.process(entityId).orElseThrow(() ->
                new NoSuchElementException("no process with entity id '" + entityId + "' is recorded"));
        return trace(subject, null, limits, limits.writerDepth(), new Walk(new GraphBuilder(limits.maxNodes())), true);
    }

    /**
     * Ancestors only, up to the session boundary: one lookup per generation.
     *
     * @throws NoSuchElementException when no event of the process is recorded
     */
    public Ancestry ancestors(String entityId, TrackingLimits limits) {
        ProcessRecord current = history.process(entityId).orElseThrow(() ->
                new NoSuchElementException("no process with entity id '" + entityId + "' is recorded"));
        List<ProcessRecord> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            out.add(current);
            seen.add(current.entityId());
            Optional<String> stop = ProcessRoles.boundary(current);
            if (stop.isPresent()) return new Ancestry(out, stop.get(), List.of());
            if (out.size() >= limits.maxDepth()) {
                return new Ancestry(out, "depth limit", List.of("ancestry cut at the depth limit of " + limits.maxDepth()));
            }
            String parentId = current.parentEntityId();
            Optional<ProcessRecord> parent = parentId == null || seen.contains(parentId) ? Optional.empty() : history.process(parentId);
            if (parent.isEmpty()) return new Ancestry(out, withoutParent(current), List.of());
            current = parent.get();
        }
    }

    /** One process of the chain as it was when it started the one below, with the images it had run by then. */
    private record Step(ProcessRecord process, List<ProcessRecord> images, Optional<String> stop) {
    }

    /** One root-cause question: the graph being built and what its nested traces share (sessions entered). */
    private static final class Walk {
        final GraphBuilder graph;
        final Map<String, Optional<RemoteLink>> entered = new HashMap<>();

        Walk(GraphBuilder graph) {
            this.graph = graph;
        }
    }

    /**
     * @param at when the subject is looked at (its image then); null for its newest image
     */
    private RootCause trace(ProcessRecord subject, Instant at, TrackingLimits limits, int writerDepth, Walk walk, boolean top) {
        List<String> cuts = new ArrayList<>();
        // 1. Up the ancestors (process record lookups only).
        List<Step> steps = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<ProcessRecord> images = imagesUpTo(subject, at);
        ProcessRecord current = images.getLast();
        String boundary;
        while (true) {
            seen.add(current.entityId());
            Optional<String> stop = ProcessRoles.boundary(current);
            steps.add(new Step(current, images, stop));
            if (stop.isPresent()) {
                boundary = stop.get();
                break;
            }
            if (steps.size() >= limits.maxDepth()) {
                boundary = "depth limit";
                cuts.add("ancestry cut at the depth limit of " + limits.maxDepth());
                break;
            }
            String parentId = current.parentEntityId();
            Optional<ProcessRecord> parent = parentId == null || seen.contains(parentId) ? Optional.empty() : history.process(parentId);
            if (parent.isEmpty()) {
                boundary = withoutParent(current);
                break;
            }
            // The parent as it was when it started this child: the images it had exec'd by then.
            images = imagesUpTo(parent.get(), startOf(current));
            current = images.getLast();
        }
        // 2. Who wrote each file the chain ran: one store question for all of them.
        ChainWrites writes = ChainWrites.of(history, steps.stream().flatMap(s -> s.images().stream()).toList(), SENSOR_SLACK);
        // 3. The links and the graph, subject first.
        GraphBuilder graph = walk.graph;
        List<ChainLink> chain = new ArrayList<>();
        graph.process(steps.getFirst().process());
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            ProcessRecord here = step.process();
            RemoteLink entered = step.stop().filter(s -> s.equals("sshd session"))
                    .flatMap(s -> walk.entered.computeIfAbsent(here.entityId(), id -> enteredFrom(here, limits))).orElse(null);
            List<FileOrigin> origins = new ArrayList<>();
            for (ProcessRecord image : step.images()) origins.addAll(origins(image, limits, writerDepth, walk, writes));
            chain.add(new ChainLink(here, origins, entered));
            if (entered != null && graph.process(entered.acceptor())) {
                Connection c = entered.connection();
                history.process(c.processEntityId()).ifPresent(remote -> {
                    graph.process(remote);
                    graph.edge(Node.processId(remote.entityId()), Node.processId(entered.acceptor().entityId()),
                            EdgeKind.ACCEPTED, entered.acceptedAt(), c.remote());
                });
            }
            if (i + 1 < steps.size()) {
                ProcessRecord p = steps.get(i + 1).process();
                graph.process(p);
                graph.edge(Node.processId(p.entityId()), Node.processId(here.entityId()), EdgeKind.SPAWNED, startOf(here), null);
            }
        }
        return new RootCause(steps.getFirst().process(), chain, boundary, top ? withCuts(graph, cuts) : null, cuts);
    }

    private static Instant startOf(ProcessRecord p) {
        return p.startTime() == null ? p.seen() : p.startTime();
    }

    private static String withoutParent(ProcessRecord p) {
        return p.snapshot() ? "oldest process in the start-up snapshot (parent not recorded)" : "parent not recorded";
    }

    /** The images a process had run by {@code at} (all when null), oldest first; at least the record given. */
    private List<ProcessRecord> imagesUpTo(ProcessRecord process, Instant at) {
        List<ProcessRecord> out = new ArrayList<>();
        for (ProcessRecord image : history.images(process.entityId())) {
            if (at == null || out.isEmpty() || !image.seen().isAfter(at.plus(IMAGE_SLACK))) out.add(image);
        }
        return out.isEmpty() ? List.of(process) : out;
    }

    /** The graph with this chain's cuts added; the chain's cuts then also list the graph's own (node limit). */
    private static ProvenanceGraph withCuts(GraphBuilder graph, List<String> cuts) {
        cuts.forEach(graph::cut);
        ProvenanceGraph built = graph.build();
        for (String c : built.cuts()) if (!cuts.contains(c)) cuts.add(c);
        return built;
    }

    /** The image and, for interpreters, the script, each with its last write before the process ran. */
    private List<FileOrigin> origins(ProcessRecord p, TrackingLimits limits, int writerDepth, Walk walk, ChainWrites writes) {
        List<FileOrigin> out = new ArrayList<>();
        for (ChainWrites.RanFile f : ChainWrites.filesRunBy(p)) {
            out.add(origin(p, f.path(), f.role(), f.sha256(), limits, writerDepth, walk, writes));
        }
        return out;
    }

    private FileOrigin origin(ProcessRecord p, String path, String role, String sha256, TrackingLimits limits, int writerDepth,
                              Walk walk, ChainWrites writes) {
        GraphBuilder graph = walk.graph;
        Instant ranAt = ChainWrites.ranAt(p);
        Event last = writes.lastWriteBefore(p, path);
        FileOrigin.Write write = last == null ? null : write(last, ProcessRecord.of(last), limits, writerDepth, walk);
        String fileNode = Node.fileId(p.agentId(), path, sha256);
        if (graph.file(p.agentId(), path, sha256)) {
            graph.edge(fileNode, Node.processId(p.entityId()), EdgeKind.EXECUTED, ranAt, role);
            if (write != null) {
                graph.edge(Node.processId(write.process().entityId()), fileNode,
                        write.renamedFrom() != null ? EdgeKind.RENAMED : EdgeKind.WROTE, write.time(), write.action());
            }
        }
        return new FileOrigin(path, role, sha256, write);
    }

    private FileOrigin.Write write(Event e, ProcessRecord writerSeen, TrackingLimits limits, int writerDepth, Walk walk) {
        GraphBuilder graph = walk.graph;
        FileChange change = (FileChange) e.payload();
        ProcessRecord writer = history.process(writerSeen.entityId()).orElse(writerSeen);
        graph.process(writer);
        Instant since = e.timestamp().minus(limits.downloadLookback());
        if (writer.startTime() != null && writer.startTime().isAfter(since)) since = writer.startTime().minusSeconds(1);
        List<Connection> download = new ArrayList<>();
        for (Event c : history.connectionsBy(writer.entityId(), new Window(since, e.timestamp().plusMillis(1)), 20)) {
            Connection conn = Connection.of(c);
            if (conn == null) continue;
            download.add(conn);
            if (conn.remoteAddress() != null && graph.network(conn.remoteAddress(), conn.remotePort())) {
                graph.edge(Node.processId(writer.entityId()), Node.networkId(conn.remoteAddress(), conn.remotePort()),
                        EdgeKind.CONNECTED, conn.time(), conn.action());
            }
        }
        RootCause writerChain = writerDepth > 0 ? trace(writer, e.timestamp(), limits, writerDepth - 1, walk, false) : null;
        if (writerDepth <= 0) graph.cut("the origin of files written by " + writer.describe() + " is not followed further (writer depth limit)");
        String action = FileActions.ecs(change.action());
        return new FileOrigin.Write(writer, e.timestamp(), action, change.oldPath(), download, writerChain);
    }

    /** For an sshd session: the connection from another endpoint its listener accepted just before it started. */
    private Optional<RemoteLink> enteredFrom(ProcessRecord session, TrackingLimits limits) {
        Instant start = session.startTime() == null ? session.seen() : session.startTime();
        List<String> candidates = new ArrayList<>();
        candidates.add(session.entityId());
        if (session.parentEntityId() != null) candidates.add(session.parentEntityId());
        List<Event> accepts = history.events("event.action:accept AND " + QueryText.anyOf("process.entity_id", candidates),
                new Window(start.minus(limits.linkSlack()).minusSeconds(30), start.plus(limits.linkSlack())), 5);
        for (Event a : accepts) {
            Optional<RemoteLink> link = linker.connectorOf(a);
            if (link.isPresent()) return link;
        }
        return Optional.empty();
    }
}
