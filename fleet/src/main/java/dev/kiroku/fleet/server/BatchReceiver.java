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
}
