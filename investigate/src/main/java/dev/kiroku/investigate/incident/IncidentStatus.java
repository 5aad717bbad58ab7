package dev.kiroku.investigate.incident;

import java.util.Locale;

/** Where an incident stands. Only {@link #CLOSED} needs a stated root cause and scope. */
public enum IncidentStatus {
    NEW, INVESTIGATING, CONTAINED, CLOSED;

    /** Parses "new", "investigating", "contained", "closed" in any case; the error lists them. */
    public static IncidentStatus parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown incident status '" + text + "'; use new, investigating, contained or closed");
        }
    }
}
