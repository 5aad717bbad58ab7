package dev.kiroku.event;

import java.time.Duration;
import java.util.List;

/**
 * Where an agent delivers its recorded events: the server's ingest, in-process or over the
 * network. Delivery is at-least-once from the agent's side; the receiver stores idempotently by
 * (agent id, sequence), which makes the store exactly-once.
 */
public interface EventSink {

    /**
     * Stores the batch durably; returns only when every event in it is durable, so the agent may
     * then acknowledge them in its journal.
     *
     * @throws DeliveryException when the receiver could not take the batch (nothing is acknowledged)
     */
    void deliver(List<Event> batch) throws DeliveryException;

    /**
     * How long the receiver asked the sender to gather events before its next partial batch (a server
     * with many agents asks for fewer, larger calls), or null for the sender's own pace.
     */
    default Duration requestedGathering() {
        return null;
    }

    /** The receiver did not durably take a batch; the message says why. */
    final class DeliveryException extends Exception {
        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
