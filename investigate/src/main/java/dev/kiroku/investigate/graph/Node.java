package dev.kiroku.investigate.graph;

import java.util.Map;

/**
 * A node of the provenance graph.
 *
 * @param id         unique in the graph: {@code process:<entity id>}, {@code file:<agent>:<path>#<sha256>},
 *                   {@code net:<address>:<port>}, {@code user:<agent>:<name>}, {@code host:<agent id>}
 * @param label      short text for people
 * @param attributes details (agent, pid, executable, hash, times)
 */
public record Node(String id, NodeKind kind, String label, Map<String, Object> attributes) {
    public Node {
        attributes = Map.copyOf(attributes);
    }

    public static String processId(String entityId) {
        return "process:" + entityId;
    }

    public static String fileId(String agentId, String path, String sha256) {
        return "file:" + agentId + ":" + path + (sha256 == null ? "" : "#" + sha256);
    }

    public static String networkId(String address, int port) {
        return "net:" + address + (port > 0 ? ":" + port : "");
    }

    public static String hostId(String agentId) {
        return "host:" + agentId;
    }
}
