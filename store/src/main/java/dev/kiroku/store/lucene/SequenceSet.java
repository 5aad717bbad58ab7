package dev.kiroku.store.lucene;

import dev.kiroku.store.SequenceRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sequence numbers of one agent held by one partition, as disjoint ranges. Agents number
 * events contiguously, so this stays a handful of ranges; it answers "already stored?" without
 * touching the index. Thread-safe.
 */
final class SequenceSet {
    /** first → last, inclusive, disjoint and not adjacent. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    synchronized boolean contains(long sequence) {
        Map.Entry<Long, Long> floor = ranges.floorEntry(sequence);
        return floor != null && floor.getValue() >= sequence;
    }

    /** @return false when already present */
    synchronized boolean add(long sequence) {
        Map.Entry<Long, Long> floor = ranges.floorEntry(sequence);
        if (floor != null && floor.getValue() >= sequence) return false;
        long first = sequence;
        long last = sequence;
        if (floor != null && floor.getValue() == sequence - 1) {
            first = floor.getKey();
        }
        Long nextLast = ranges.remove(sequence + 1);
        if (nextLast != null) last = nextLast;
        ranges.put(first, last);
        return true;
    }

    synchronized void remove(long sequence) {
        Map.Entry<Long, Long> floor = ranges.floorEntry(sequence);
        if (floor == null || floor.getValue() < sequence) return;
        long first = floor.getKey();
        long last = floor.getValue();
        ranges.remove(first);
        if (first < sequence) ranges.put(first, sequence - 1);
        if (sequence < last) ranges.put(sequence + 1, last);
    }

    synchronized List<SequenceRange> ranges() {
        List<SequenceRange> out = new ArrayList<>(ranges.size());
        ranges.forEach((first, last) -> out.add(new SequenceRange(first, last)));
        return out;
    }
}
