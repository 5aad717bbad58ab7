package dev.kiroku.event;

import java.time.Instant;

/**
 * Receives an event's Elastic Common Schema fields one at a time, in the order {@link Event#toEcs()}
 * lists them, without building a map: for writers on hot paths such as the event store's indexer.
 * Values are String, Integer, Long or List of String; absent and empty values are never passed.
 */
@FunctionalInterface
public interface EcsFields {
    void put(String field, Object value);

    /**
     * Whether the receiver wants the field: the writer skips computing values it does not want (formatted times,
     * joined command lines, names cut from paths), and may pass such fields anyway. All of them by default.
     */
    default boolean wants(String field) {
        return true;
    }

    /**
     * A time field ({@code @timestamp}, {@code process.start}, …): passed as its ISO-8601 text
     * unless the receiver takes the instant itself (the store indexes nanoseconds, and formatting
     * the text only to parse it back cost a few percent of its ingest).
     */
    default void time(String field, Instant value) {
        put(field, value.toString());
    }
}
