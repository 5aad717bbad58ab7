package dev.kiroku.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The canonical serialized form of an {@link Event}: compact JSON of the records, used by the
 * journal, the uplink and the stored copy in the event store. Thread-safe.
 */
public final class EventCodec {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final ThreadLocal<EventJsonWriter> WRITERS = ThreadLocal.withInitial(EventJsonWriter::new);

    private EventCodec() {
    }

    /** The canonical JSON; written by {@link EventJsonWriter}, which gives the mapper's bytes without its reflection. */
    public static byte[] encode(Event event) {
        return WRITERS.get().write(event);
    }

    /** The same bytes as {@link #encode}, written by the Jackson mapper (the reference the writer is tested against). */
    static byte[] encodeWithMapper(Event event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.agentId() + "/" + event.sequence(), e);
        }
    }

    /** @throws MalformedEventException naming what is wrong with the bytes */
    public static Event decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Reads the canonical JSON with {@link EventJsonReader} (no reflection); what it does not take (other shapes, bad
     * input) is read by the mapper, so the result, or the error, is always the mapper's.
     */
    public static Event decode(byte[] bytes, int offset, int length) {
        try {
            return EventJsonReader.read(bytes, offset, length);
        } catch (EventJsonReader.NotCanonical e) {
            return decodeWithMapper(bytes, offset, length);
        }
    }

    /** The reference reading of {@link #decode}, by the Jackson mapper. */
    static Event decodeWithMapper(byte[] bytes, int offset, int length) {
        try {
            Event event = JSON.readValue(bytes, offset, length, Event.class);
            if (event == null) throw new MalformedEventException("not a Kiroku event: a JSON null", null);
            return event;
        } catch (IOException e) {
            throw new MalformedEventException("not a Kiroku event: " + (e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** The mapper events are written with, for components that embed events in their own JSON. */
    public static ObjectMapper mapper() {
        return JSON;
    }
}
