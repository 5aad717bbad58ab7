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
import dev.kiroku.investigate.history.Window;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Forward tracking: from a process, its descendants (breadth-first), the files each changed, the connections each made
 * and, across endpoints, the processes that accepted them; and the processes that later ran a file it wrote. Limits cut
 * the walk by generation, time window, node count, children per process and edge kind; high fan-in processes (init,
 * session managers) are not expanded unless the walk starts at them.
 */
public final class ImpactTracker {
    private static final int EFFECTS_PER_PROCESS = 200;

    private final EventHistory history;
    private final CrossHostLinker linker;

    public ImpactTracker(EventHistory history, CrossHostLinker linker) {
        this.history = history;
        this.linker = linker;
    }

    /**
     * @throws NoSuchElementException when no event of the process is recorded
     */
    public Impact trace(String entityId, TrackingLimits limits) {
        ProcessRecord root = history.process(entityId).orElseThrow(() ->
                new NoSuchElementException("no process with entity id '" + entityId + "' is recorded"));
        Instant start = root.startTime() == null ? root.seen() : root.startTime();
        Window window = new Window(start.minusSeconds(1), start.plus(limits.forwardWindow()));
        GraphBuilder graph = new GraphBuilder(limits.maxNodes());
        List<Impact.Descendant> processes = new ArrayList<>();
        List<FileEffect> files = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<RemoteLink> lateral = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        Deque<Impact.Descendant> queue = new ArrayDeque<>();
        queue.add(new Impact.Descendant(root, 0));
        graph.process(root);
        while (!queue.isEmpty()) {
            Impact.Descendant d = queue.poll();
            ProcessRecord p = d.process();
            if (!visited.add(p.entityId())) continue;
            processes.add(d);
            effects(p, window, limits, graph, files, connections, lateral);
            boolean pruned = d.generation() > 0 && limits.pruneNames().contains(p.name());
            if (pruned) {
                graph.cut("children of " + p.describe() + " not followed (high fan-in process)");
                continue;
            }
            if (!limits.follows(EdgeKind.SPAWNED)) continue;
            if (d.generation() + 1 > limits.maxDepth()) {
                if (history.childStarts(p.entityId(), window) > 0) graph.cut("descendants below generation " + limits.maxDepth() + " not followed");
                continue;
            }
            List<ProcessRecord> children = history.children(p.entityId(), window, limits.maxChildren() + 1);
            if (children.size() > limits.maxChildren()) {
                long all = history.childStarts(p.entityId(), window);
                graph.cut(p.describe() + ": " + limits.maxChildren() + " of its children followed (" + all + " child execs recorded)");
                children = children.subList(0, limits.maxChildren());
            }
            for (ProcessRecord child : children) {
                if (!graph.process(child)) break;
                graph.edge(Node.processId(p.entityId()), Node.processId(child.entityId()), EdgeKind.SPAWNED, child.startTime(), null);
                queue.add(new Impact.Descendant(child, d.generation() + 1));
            }
        }
        ProvenanceGraph built = graph.build();
        return new Impact(root, processes, files, connections, lateral, built, built.cuts());
    }

    private void effects(ProcessRecord p, Window window, TrackingLimits limits, GraphBuilder graph, List<FileEffect> files,
                         List<Connection> connections, List<RemoteLink> lateral) {
        if (limits.follows(EdgeKind.WROTE) || limits.follows(EdgeKind.RENAMED) || limits.follows(EdgeKind.DELETED)) {
            List<Event> changes = history.fileChangesBy(p.entityId(), window, EFFECTS_PER_PROCESS + 1);
            if (changes.size() > EFFECTS_PER_PROCESS) {
                graph.cut(p.describe() + ": first " + EFFECTS_PER_PROCESS + " file changes shown");
                changes = changes.subList(0, EFFECTS_PER_PROCESS);
            }
            for (Event e : changes) {
                FileChange f = (FileChange) e.payload();
                EdgeKind kind = switch (f.action()) {
                    case DELETE -> EdgeKind.DELETED;
                    case RENAME -> EdgeKind.RENAMED;
                    case CREATE, MODIFY -> EdgeKind.WROTE;
                    case ATTRIBUTES -> null;
                };
                if (kind != null && !limits.follows(kind) || f.directory()) continue;
                // One effect per (path, action kind): a download shows as one write, not creation plus modification.
                String action = FileActions.ecs(f.action());
                if (kind == EdgeKind.WROTE && files.stream().anyMatch(x -> x.processEntityId().equals(p.entityId())
                        && x.path().equals(f.path()) && (x.action().equals("creation") || x.action().equals("modification")))) {
                    continue;
                }
                List<String> executedBy = new ArrayList<>();
                if (kind == EdgeKind.WROTE || kind == EdgeKind.RENAMED) {
                    for (Event x : history.executionsOf(f.path(), new Window(e.timestamp(), window.to()), 20)) {
                        ProcessRecord runner = ProcessRecord.of(x);
                        if (runner == null || !x.agentId().equals(e.agentId()) || executedBy.contains(runner.entityId())) continue;
                        if (!f.path().equals(runner.executable()) && !ProcessRoles.script(runner).map(f.path()::equals).orElse(false)) continue;
                        executedBy.add(runner.entityId());
                    }
                }
                files.add(new FileEffect(e.agentId(), f.path(), action, e.timestamp(), p.entityId(), f.oldPath(),
                        Persistence.of(f.path()).orElse(null), executedBy));
                String fileNode = Node.fileId(e.agentId(), f.path(), null);
                if (kind != null && graph.file(e.agentId(), f.path(), null)) {
                    graph.edge(Node.processId(p.entityId()), fileNode, kind, e.timestamp(), action);
                    for (String runner : executedBy) {
                        if (graph.contains(Node.processId(runner))) graph.edge(fileNode, Node.processId(runner), EdgeKind.EXECUTED, e.timestamp(), null);
                    }
                }
            }
        }
        if (limits.follows(EdgeKind.CONNECTED)) {
            for (Event e : history.networkBy(p.entityId(), window, EFFECTS_PER_PROCESS)) {
                Connection c = Connection.of(e);
                if (c == null || c.remoteAddress() == null) continue;
                connections.add(c);
                if (graph.network(c.remoteAddress(), c.remotePort())) {
                    graph.edge(Node.processId(p.entityId()), Node.networkId(c.remoteAddress(), c.remotePort()),
                            EdgeKind.CONNECTED, c.time(), c.action());
                }
                if (limits.follows(EdgeKind.ACCEPTED) && "connect".equals(c.action())) {
                    linker.acceptorOf(c).ifPresent(link -> {
                        lateral.add(link);
                        if (graph.process(link.acceptor())) {
                            graph.edge(Node.processId(p.entityId()), Node.processId(link.acceptor().entityId()), EdgeKind.ACCEPTED,
                                    link.acceptedAt(), c.remote());
                        }
                    });
                }
            }
        }
    }
}
