package dev.kiroku.indicators.expr;

import dev.kiroku.event.Event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An event as indicators see it: its ECS fields ({@link Event#toEcs()}) plus a few fields derived
 * from them that indicator terms need ({@link #PROCESS_DIRECTORY}, {@link #COMMAND_LINE_HOSTS},
 * {@link #COMMAND_LINE_URLS}), computed only when asked for.
 */
public final class EventView {
    /** The directory of {@code process.executable}. */
    public static final String PROCESS_DIRECTORY = "kiroku.process.directory";
    /** Host names in {@code process.command_line}: URL hosts, {@code user@host} targets, dotted names. */
    public static final String COMMAND_LINE_HOSTS = "kiroku.command_line.hosts";
    /** URLs ({@code scheme://…}) in {@code process.command_line}. */
    public static final String COMMAND_LINE_URLS = "kiroku.command_line.urls";

    private final Event event;
    private final Map<String, Object> fields;
    private List<String> hosts;
    private List<String> urls;

    private EventView(Event event, Map<String, Object> fields) {
        this.event = event;
        this.fields = fields;
    }

    public static EventView of(Event event) {
        Map<String, Object> fields = new HashMap<>(64);
        event.writeEcs(fields::put);
        return new EventView(event, fields);
    }

    /** A view over an event's ECS fields already flattened by the caller (e.g. for the Sigma engine), not copied. */
    public static EventView of(Event event, Map<String, Object> ecs) {
        return new EventView(event, ecs);
    }

    /** A view over ECS fields alone (no event record), e.g. a hit's {@code ecs()} map. */
    public static EventView of(Map<String, Object> ecs) {
        return new EventView(null, ecs);
    }

    /** The event, or null for a view made from fields alone. */
    public Event event() {
        return event;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    /** The first value of a field as text, or null. */
    public String first(String field) {
        Object v = raw(field);
        if (v instanceof List<?> list) return list.isEmpty() ? null : String.valueOf(list.getFirst());
        return v == null ? null : String.valueOf(v);
    }

    /** Whether any value of the field satisfies the test; numbers are tested as their decimal text. */
    public boolean anyValue(String field, Predicate<String> test) {
        Object v = raw(field);
        if (v == null) return false;
        if (v instanceof List<?> list) {
            for (Object item : list) if (item != null && test.test(String.valueOf(item))) return true;
            return false;
        }
        return test.test(v instanceof String s ? s : String.valueOf(v));
    }

    /** Every value of the field as text (empty when absent). */
    public List<String> values(String field) {
        List<String> out = new ArrayList<>(2);
        anyValue(field, v -> {
            out.add(v);
            return false;
        });
        return out;
    }

    private Object raw(String field) {
        return switch (field) {
            case PROCESS_DIRECTORY -> derived(field, fields.get("process.executable"), null);
            case COMMAND_LINE_HOSTS -> {
                if (hosts == null) hosts = CommandLineNames.hosts(fields.get("process.command_line"));
                yield hosts;
            }
            case COMMAND_LINE_URLS -> {
                if (urls == null) urls = CommandLineNames.urls(fields.get("process.command_line"));
                yield urls;
            }
            default -> fields.get(field);
        };
    }

    /**
     * A derived field's value (a string, a list of strings, or null) computed from the values of
     * {@code process.executable} and {@code process.command_line} (either may be null), as a view computes it.
     */
    public static Object derived(String field, Object executable, Object commandLine) {
        return switch (field) {
            case PROCESS_DIRECTORY -> {
                if (!(executable instanceof String s)) yield null;
                int slash = s.lastIndexOf('/');
                yield slash > 0 ? s.substring(0, slash) : slash == 0 ? "/" : null;
            }
            case COMMAND_LINE_HOSTS -> CommandLineNames.hosts(commandLine);
            case COMMAND_LINE_URLS -> CommandLineNames.urls(commandLine);
            default -> throw new IllegalArgumentException("not a derived field: " + field);
        };
    }
}
