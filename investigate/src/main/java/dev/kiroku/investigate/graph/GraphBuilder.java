package dev.kiroku.investigate.graph;

import dev.kiroku.investigate.history.ProcessRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects nodes (each once) and edges (each once) up to a node limit; says when it was cut. */
public final class GraphBuilder {
    private final int maxNodes;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<Edge> edges = new LinkedHashSet<>();
    private final List<String> cuts = new ArrayList<>();
    private boolean full;

    public GraphBuilder(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    /** Adds a node unless the limit is reached; false when it was refused. */
    public boolean node(Node node) {
        if (nodes.containsKey(node.id())) return true;
        if (nodes.size() >= maxNodes) {
            if (!full) cut("node limit of " + maxNodes + " reached; the graph shows the nearest " + maxNodes + " nodes");
            full = true;
            return false;
        }
        nodes.put(node.id(), node);
        return true;
    }

    public boolean process(ProcessRecord p) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("entity_id", p.entityId());
        attributes.put("agent_id", p.agentId());
        attributes.put("host", p.hostName());
        attributes.put("pid", p.pid());
        if (p.executable() != null) attributes.put("executable", p.executable());
        attributes.put("command_line", p.commandLine());
        if (p.sha256() != null) attributes.put("sha256", p.sha256());
        if (p.userName() != null) attributes.put("user", p.userName());
        if (p.startTime() != null) attributes.put("start", p.startTime().toString());
        attributes.put("snapshot", p.snapshot());
        return node(new Node(Node.processId(p.entityId()), NodeKind.PROCESS, p.describe(), attributes));
    }

    public boolean file(String agentId, String path, String sha256) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("agent_id", agentId);
        attributes.put("path", path);
        if (sha256 != null) attributes.put("sha256", sha256);
        return node(new Node(Node.fileId(agentId, path, sha256), NodeKind.FILE, path, attributes));
    }

    public boolean network(String address, int port) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("address", address);
        if (port > 0) attributes.put("port", port);
        return node(new Node(Node.networkId(address, port), NodeKind.NETWORK, address + (port > 0 ? ":" + port : ""), attributes));
    }

    /** Adds an edge when both ends are in the graph. */
    public void edge(String from, String to, EdgeKind kind, Instant time, String detail) {
        if (nodes.containsKey(from) && nodes.containsKey(to)) edges.add(new Edge(from, to, kind, time, detail));
    }

    public void cut(String why) {
        if (!cuts.contains(why)) cuts.add(why);
    }

    public boolean contains(String nodeId) {
        return nodes.containsKey(nodeId);
    }

    public ProvenanceGraph build() {
        return new ProvenanceGraph(List.copyOf(nodes.values()), List.copyOf(edges), cuts);
    }
}
