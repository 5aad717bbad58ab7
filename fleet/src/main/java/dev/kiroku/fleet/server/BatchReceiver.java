package dev.kiroku.fleet.server;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;

import java.util.List;

/** Where the fleet server puts the events of a batch: the server's store, committed before it returns. */
@FunctionalInterface
public interface BatchReceiver {

    /** What the store did with a batch. */
    record Receipt(int stored, int duplicates, List<Refused> refused) {
    }

    /** An event the store would not take, and why. */
    record Refused(long sequence, String reason) {
    }

    /** Stores and commits the events; throws when nothing could be made durable. */
    Receipt receive(List<Event> events) throws EventSink.DeliveryException;

    /**
     * The same, with each event also as it came over the wire (the event codec's bytes, same order), for
     * receivers that keep the bytes (a write-ahead log) and need not encode the events again.
     */
    default Receipt receive(List<Event> events, List<byte[]> encoded) throws EventSink.DeliveryException {
        return receive(events);
    }
}
