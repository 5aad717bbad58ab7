package dev.kiroku.detect.sigma;

import java.util.Collection;
import java.util.Map;

/**
 * One event as the Sigma engine sees it. Values are String, Number, Boolean, List (of these) or a nested Map.
 * Implementations must be consistent: every name for which {@link #has} is true appears in {@link #fieldNames()}
 * and {@link #get} returns the same value for it.
 */
public interface Document {
    /** The value of a field, or null if the field is absent or null. */
    Object get(String field);

    /** True if the field is present, even with a null value. */
    boolean has(String field);

    /** Every field name {@link #get} answers, aliases included. */
    Collection<String> fieldNames();

    /**
     * Every field with its value ({@link #fieldNames()} with {@link #get}), for a caller that wants both: an
     * implementation over a map gives its entries without looking each name up again.
     */
    default Iterable<? extends Map.Entry<String, ?>> fields() {
        return fieldNames().stream().map(name -> new java.util.AbstractMap.SimpleImmutableEntry<String, Object>(name, get(name))).toList();
    }

    /** Every leaf value once (no aliases), for keyword searches. */
    Iterable<Object> values();
}
