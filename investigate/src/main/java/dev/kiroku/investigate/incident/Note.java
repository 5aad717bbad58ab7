package dev.kiroku.investigate.incident;

import java.time.Instant;

/** An analyst's note on an incident. */
public record Note(long id, String author, String text, Instant created) {
}
