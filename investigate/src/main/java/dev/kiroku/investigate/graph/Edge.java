package dev.kiroku.investigate.graph;

import java.time.Instant;

/**
 * A relation between two nodes at a time.
 *
 * @param detail what the record says about it (the event action, a port, a renamed-from path)
 */
public record Edge(String from, String to, EdgeKind kind, Instant time, String detail) {
}
