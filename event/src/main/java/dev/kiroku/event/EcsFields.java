package dev.kiroku.event;

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
}
