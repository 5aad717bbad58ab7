package dev.kiroku.investigate.history;

import java.util.List;

/**
 * Process records kept beside the event store, so the questions graph walks ask most (a process by entity id, its
 * children, who ran a hash or a path) are one lookup instead of a store search. {@link EventHistory} asks it first
 * and falls back to the store for what it does not hold.
 */
public interface ProcessIndex {
    /**
     * True once the index holds every process start the store holds (built from the store, then fed by ingest). Until
     * then only hits count: a miss may be a start the index has not read yet.
     */
    boolean complete();

    /** Every image (exec or start-up snapshot) recorded under the entity id, oldest first; empty when none. */
    List<ProcessRecord> images(String entityId);

    /** Images of the parent's children started within the window, oldest first, at most {@code limit}. */
    List<ProcessRecord> children(String parentEntityId, Window window, int limit);

    /** How many images name this parent within the window. */
    long childStarts(String parentEntityId, Window window);

    /** Images run from a file with this SHA-256 within the window, newest first, at most {@code limit}. */
    List<ProcessRecord> withHash(String sha256, Window window, int limit);

    /** The endpoints (agent ids) that ran a file with this SHA-256 within the window, at most {@code limit}. */
    List<String> agentsWithHash(String sha256, Window window, int limit);

    /** Images that ran this path on the endpoint (as the executable, or as the script an interpreter ran), oldest first. */
    List<ProcessRecord> executionsOf(String agentId, String path, Window window, int limit);
}
