package dev.kiroku.event;

/** Bytes that do not decode to an event; the message says what is wrong. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
