package dev.kiroku.store;

import java.util.List;

/**
 * What the store holds of one agent's sequence within {@code from..to}. A gap is a sequence number
 * the agent assigned but the store does not hold; a quiet period has no sequence numbers at all
 * and is therefore never a gap.
 *
 * @param agentId        the agent
 * @param from           first sequence asked about
 * @param to             last sequence asked about (inclusive)
 * @param lowestStored   lowest sequence stored for the agent (anywhere), 0 when none
 * @param highestStored  highest sequence stored for the agent (anywhere), 0 when none
 * @param storedInRange  how many of {@code from..to} are stored
 * @param missing        the ranges of {@code from..min(to, highestStored)} not stored, ascending
 */
public record SequenceGaps(String agentId, long from, long to, long lowestStored, long highestStored,
                           long storedInRange, List<SequenceRange> missing) {
    public SequenceGaps {
        missing = List.copyOf(missing);
    }

    public long missingCount() {
        return missing.stream().mapToLong(SequenceRange::size).sum();
    }
}
