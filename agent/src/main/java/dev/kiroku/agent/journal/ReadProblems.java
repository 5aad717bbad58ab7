package dev.kiroku.agent.journal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Damage readers and the opening scan ran into: each damaged block and each undecodable event is
 * counted once however often it is read, and logged when first seen.
 */
final class ReadProblems {
    private static final System.Logger LOG = System.getLogger(ReadProblems.class.getName());

    private final Set<String> corruptBlocks = ConcurrentHashMap.newKeySet();
    private final Set<Long> undecodable = ConcurrentHashMap.newKeySet();
    private volatile String last;

    void corruptBlock(String where, String why) {
        if (corruptBlocks.add(where)) report("skipped damaged block " + where + ": " + why);
    }

    void undecodableEvent(long sequence, String where, String why) {
        if (undecodable.add(sequence)) report("skipped undecodable event " + sequence + " in " + where + ": " + why);
    }

    void report(String message) {
        last = message;
        LOG.log(System.Logger.Level.WARNING, message);
    }

    long corruptBlocks() {
        return corruptBlocks.size();
    }

    long undecodableEvents() {
        return undecodable.size();
    }

    String last() {
        return last;
    }
}
