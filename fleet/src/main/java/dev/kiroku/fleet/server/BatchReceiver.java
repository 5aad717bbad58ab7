package dev.kiroku.fleet.server;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;

import java.util.List;
import java.util.function.BooleanSupplier;

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

    /**
     * The same, for a caller that may give up while the batch waits its turn (a client whose deadline passed or
     * who hung up): a receiver that queues batches asks {@code abandoned} just before storing, and stores
     * nothing once it says true (the agent sends the batch again), so an overloaded server does not spend its
     * time on batches nobody waits for.
     *
     * @throws Abandoned when the caller gave up before the batch was stored
     */
    default Receipt receive(List<Event> events, List<byte[]> encoded, BooleanSupplier abandoned)
            throws EventSink.DeliveryException, Abandoned {
        if (abandoned.getAsBoolean()) throw new Abandoned(events.size());
        return receive(events, encoded);
    }

    /** The caller gave up before its batch was stored; nothing of it was stored. */
    final class Abandoned extends Exception {
        public Abandoned(int events) {
            super("the caller gave up on its batch of " + events + " events before it was stored; nothing was stored");
        }
    }
}
