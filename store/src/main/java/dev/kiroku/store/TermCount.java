package dev.kiroku.store;

/** One bucket of a terms aggregation: a value of the field and how many matching events have it. */
public record TermCount(String value, long count) {
}
