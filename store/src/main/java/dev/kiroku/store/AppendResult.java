package dev.kiroku.store;

import java.util.List;

/**
 * What {@link EventStore#append} did with a batch. Every event of the batch is in exactly one of
 * the three outcomes. Stored events are searchable after the next refresh and durable after the
 * next {@link EventStore#commit()}.
 *
 * @param stored     events newly stored
 * @param duplicates events already in the store (same agent and sequence), not stored again
 * @param rejected   events that cannot be stored, each with the reason
 */
public record AppendResult(int stored, int duplicates, List<Rejected> rejected) {
    public AppendResult {
        rejected = List.copyOf(rejected);
    }

    /** An event the store refused, and why ("sequence must be positive", "older than retention"). */
    public record Rejected(String agentId, long sequence, String reason) {
    }
}
