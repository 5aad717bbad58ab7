package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.graph.EdgeKind;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Explosion control for graph walks. Whatever a limit cuts is named in the result's cuts.
 *
 * @param maxDepth         ancestors walked up, or generations walked down
 * @param maxNodes         nodes in one graph
 * @param maxChildren      children followed per process (the rest are counted, not shown)
 * @param forwardWindow    how long after a process started its effects are followed
 * @param edges            edge kinds followed forward (the others are left out)
 * @param pruneNames       high fan-in processes (shells' parents, init, session managers) whose children are not
 *                         followed forward unless the walk starts at them
 * @param downloadLookback how long before a write the writer's connections count as its download origin
 * @param linkSlack        clock difference allowed between two endpoints when matching a connect to an accept
 * @param writerDepth      how many times "who wrote this file" recurses into the writer's own chain
 */
public record TrackingLimits(int maxDepth, int maxNodes, int maxChildren, Duration forwardWindow, Set<EdgeKind> edges,
                             Set<String> pruneNames, Duration downloadLookback, Duration linkSlack, int writerDepth) {
    public static final int MAX_NODES_ALLOWED = 5_000;

    public TrackingLimits {
        if (maxDepth < 1 || maxDepth > 256) throw new IllegalArgumentException("depth must be 1..256 but is " + maxDepth);
        if (maxNodes < 1 || maxNodes > MAX_NODES_ALLOWED) {
            throw new IllegalArgumentException("node limit must be 1.." + MAX_NODES_ALLOWED + " but is " + maxNodes);
        }
        if (maxChildren < 1) throw new IllegalArgumentException("children limit must be positive but is " + maxChildren);
        edges = edges.isEmpty() ? EnumSet.noneOf(EdgeKind.class) : EnumSet.copyOf(edges);
        pruneNames = Set.copyOf(pruneNames);
    }

    public static TrackingLimits defaults() {
        return new TrackingLimits(64, 500, 50, Duration.ofDays(1), EnumSet.allOf(EdgeKind.class),
                Set.of("systemd", "init", "sshd", "sshd-session", "cron", "crond", "atd", "containerd-shim", "containerd-shim-runc-v2",
                        "tmux: server", "tmux", "screen", "login", "agetty", "gnome-shell"),
                Duration.ofMinutes(10), Duration.ofSeconds(5), 2);
    }

    public TrackingLimits withMaxDepth(int depth) {
        return new TrackingLimits(depth, maxNodes, maxChildren, forwardWindow, edges, pruneNames, downloadLookback, linkSlack, writerDepth);
    }

    public TrackingLimits withMaxNodes(int nodes) {
        return new TrackingLimits(maxDepth, nodes, maxChildren, forwardWindow, edges, pruneNames, downloadLookback, linkSlack, writerDepth);
    }

    public TrackingLimits withMaxChildren(int children) {
        return new TrackingLimits(maxDepth, maxNodes, children, forwardWindow, edges, pruneNames, downloadLookback, linkSlack, writerDepth);
    }

    public TrackingLimits withForwardWindow(Duration window) {
        return new TrackingLimits(maxDepth, maxNodes, maxChildren, window, edges, pruneNames, downloadLookback, linkSlack, writerDepth);
    }

    public TrackingLimits withEdges(Set<EdgeKind> kinds) {
        return new TrackingLimits(maxDepth, maxNodes, maxChildren, forwardWindow, kinds, pruneNames, downloadLookback, linkSlack, writerDepth);
    }

    public TrackingLimits withPruneNames(Set<String> names) {
        return new TrackingLimits(maxDepth, maxNodes, maxChildren, forwardWindow, edges, names, downloadLookback, linkSlack, writerDepth);
    }

    public boolean follows(EdgeKind kind) {
        return edges.contains(kind);
    }
}
