package dev.kiroku.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a hit sits in the store's order: newest {@code @timestamp} first, then highest sequence,
 * then agent id (descending). Unique per event, so it is a stable search-after cursor.
 */
public record SortPosition(Instant timestamp, long sequence, String agentId) {
    public SortPosition {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(agentId, "agentId");
    }

    /** A compact opaque form for APIs: {@code epochSecond.nanos.sequence.agentId}. */
    public String token() {
        return timestamp.getEpochSecond() + "." + timestamp.getNano() + "." + sequence + "." + agentId;
    }

    /** @throws IllegalArgumentException when the token was not made by {@link #token()} */
    public static SortPosition fromToken(String token) {
        String[] parts = token.split("\\.", 4);
        try {
            if (parts.length != 4) throw new NumberFormatException();
            return new SortPosition(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    Long.parseLong(parts[2]), parts[3]);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a search cursor: " + token);
        }
    }
}
