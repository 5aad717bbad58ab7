package dev.kiroku.store;

/**
 * A write could not be done (disk full, I/O error). Events not acknowledged by a successful
 * {@link EventStore#commit()} must be sent again; the store's idempotency makes that safe.
 */
public final class StoreUnavailableException extends RuntimeException {
    private final StoreStatus status;

    public StoreUnavailableException(StoreStatus status, Throwable cause) {
        super(status.state() + ": " + status.detail(), cause);
        this.status = status;
    }

    public StoreStatus status() {
        return status;
    }
}
