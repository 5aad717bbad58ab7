package dev.kiroku.investigate.graph;

/** What a node of the provenance graph stands for. */
public enum NodeKind {
    /** A process, by entity id (pid reuse never merges two). */
    PROCESS,
    /** One version of a file: path plus content hash when known. */
    FILE,
    /** A network endpoint: address:port, or a domain. */
    NETWORK,
    USER,
    /** An endpoint (agent). */
    HOST
}
