package dev.kiroku.server.detect;

import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.Hit;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Field values of an event including its ancestors beyond the parent: {@code process.parent.parent.executable} is
 * the parent's start event's {@code process.parent.executable}, found in the event store by the parent's entity id
 * (and so on, one lookup per further level). Start events found are cached (bounded, least recently used).
 */
final class AncestorFields {
    private static final String PARENT = "process.parent.";
    private static final String GRANDPARENT = "process.parent.parent.";
    private static final int MAX_DEPTH = 8;

    private final EventStore store;
    private final InstantSource clock;
    private final Map<String, Map<String, Object>> starts;

    AncestorFields(EventStore store, InstantSource clock, int cacheSize) {
        this.store = store;
        this.clock = clock;
        this.starts = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** The value of a field of the event, resolving {@code process.parent.parent.…} through the store; null when unknown. */
    Object get(Map<String, Object> event, String field) {
        Map<String, Object> current = event;
        String rest = field;
        int depth = 0;
        while (rest.startsWith(GRANDPARENT)) {
            if (++depth > MAX_DEPTH) return null;
            Object parentId = current.get("process.parent.entity_id");
            if (parentId == null) return null;
            Optional<Map<String, Object>> parentStart = startEvent(parentId.toString());
            if (parentStart.isEmpty()) return null;
            current = parentStart.get();
            rest = "process." + rest.substring(PARENT.length());
        }
        return current.get(rest);
    }

    /** The process start event of an entity id, from the cache or the store. Not found is not cached: it may arrive. */
    Optional<Map<String, Object>> startEvent(String entityId) {
        synchronized (starts) {
            Map<String, Object> cached = starts.get(entityId);
            if (cached != null) return Optional.of(cached);
        }
        String quoted = "\"" + entityId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        List<Hit> hits = store.search(EventQuery.parse("process.entity_id:" + quoted + " AND event.category:process", clock).limit(20)).hits();
        Map<String, Object> found = null;
        for (Hit hit : hits) {
            Map<String, Object> ecs = hit.ecs();
            Object type = ecs.get("event.type");
            boolean start = type instanceof List<?> list ? list.contains("start") : "start".equals(type);
            if (start) {
                found = ecs;
                break;
            }
        }
        if (found == null) return Optional.empty();
        synchronized (starts) {
            starts.put(entityId, found);
        }
        return Optional.of(found);
    }
}
