package dev.kiroku.store;

/**
 * One field of the event schema.
 *
 * @param name         the ECS field name, as {@code Event.toEcs()} writes it
 * @param type         how it is indexed
 * @param aggregatable true when terms aggregations may group by it (column-stored)
 * @param wordsField   for {@link FieldType#TEXT} and {@link FieldType#KEYWORD_TEXT}: the ECS field whose
 *                     words are searched (itself, or another field carrying the same words)
 */
public record FieldSpec(String name, FieldType type, boolean aggregatable, String wordsField) {

    public boolean hasWords() {
        return wordsField != null;
    }

    /** True when this field's own words are indexed (not borrowed from another field). */
    public boolean indexesOwnWords() {
        return name.equals(wordsField);
    }
}
