package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;

import java.util.List;

/**
 * The last events the journal wrote, in sequence order, in a ring of fixed capacity. Sequences in
 * the ring are consecutive (the journal numbers every event it keeps), so a reader's position is
 * found by arithmetic instead of a scan: the shipper asks for "everything after sequence N" several
 * times per second. Not thread-safe: the journal's lock guards it.
 */
final class RecentEvents {
    private final Event[] ring;
    private int head;
    private int size;

    RecentEvents(int capacity) {
        ring = new Event[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Sequence of the oldest event held; only when not empty. */
    long firstSequence() {
        return ring[head].sequence();
    }

    /** Appends the next event, dropping the oldest when full. */
    void add(Event event) {
        if (size == ring.length) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
        ring[(head + size) % ring.length] = event;
        size++;
    }

    /** Drops the events with sequence at or below {@code sequence}. */
    void removeThrough(long sequence) {
        while (size > 0 && ring[head].sequence() <= sequence) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
    }

    /** Adds to {@code out} the events with sequence at or after {@code sequence}, until {@code out} holds {@code max}. */
    void copyFrom(long sequence, int max, List<Event> out) {
        int i = start(sequence);
        for (; i < size && out.size() < max; i++) out.add(ring[(head + i) % ring.length]);
    }

    /** Index of the first event with sequence at or after {@code sequence}. */
    private int start(long sequence) {
        if (size == 0) return 0;
        long offset = sequence - firstSequence();
        if (offset <= 0) return 0;
        if (offset < size && ring[(head + (int) offset) % ring.length].sequence() == sequence) return (int) offset;
        int i = 0; // sequences not consecutive after all: search
        while (i < size && ring[(head + i) % ring.length].sequence() < sequence) i++;
        return i;
    }
}
