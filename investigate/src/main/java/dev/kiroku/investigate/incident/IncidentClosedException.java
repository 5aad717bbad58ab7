package dev.kiroku.investigate.incident;

/** A change asked of an incident that is already closed. */
public final class IncidentClosedException extends RuntimeException {
    public IncidentClosedException(long id) {
        super("incident " + id + " is already closed");
    }
}
