package dev.kiroku.indicators.expr;

import java.util.List;
import java.util.Objects;

/**
 * What an indicator term looks at: a name (the term as the source wrote it, e.g. {@code FileItem/FileName}
 * or {@code file:name}) and the ECS fields of an event that answer it; a term is true when any value of
 * any of those fields satisfies it.
 *
 * @param term      the term as written in the source format
 * @param ecsFields ECS field names (dotted, as {@code Event.toEcs()} writes them, plus the derived fields
 *                  of {@link EventView})
 */
public record Field(String term, List<String> ecsFields) {
    public Field {
        Objects.requireNonNull(term, "term");
        ecsFields = List.copyOf(ecsFields);
        if (ecsFields.isEmpty()) throw new IllegalArgumentException("term " + term + " names no ECS field");
    }

    public static Field of(String term, String... ecsFields) {
        return new Field(term, List.of(ecsFields));
    }
}
