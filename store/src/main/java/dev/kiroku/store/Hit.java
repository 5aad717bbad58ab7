package dev.kiroku.store;

import dev.kiroku.event.Event;

import java.util.Map;

/** One event found, with its place in the result order. */
public record Hit(Event event, SortPosition position) {
    /** The event as ECS fields. */
    public Map<String, Object> ecs() {
        return event.toEcs();
    }
}
