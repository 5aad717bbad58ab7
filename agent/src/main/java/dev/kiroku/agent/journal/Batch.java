package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;

import java.util.List;

/**
 * Events read for shipping, in sequence order.
 *
 * @param events       the events (sequences may skip where blocks were lost or deleted)
 * @param nextSequence where the next read should start
 */
public record Batch(List<Event> events, long nextSequence) {
    public Batch {
        events = List.copyOf(events);
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }
}
