package dev.kiroku.server.api;

import java.time.Duration;

/** Parses the short durations people type: 30s, 15m, 1h, 7d. */
public final class Durations {
    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static Duration parse(String text) {
        String t = text.trim();
        if (t.length() < 2) throw new IllegalArgumentException("not a duration: '" + text + "' (use 30s, 15m, 1h, 7d)");
        long amount;
        try {
            amount = Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use 30s, 15m, 1h, 7d)");
        }
        return switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a duration: '" + text + "' (use 30s, 15m, 1h, 7d)");
        };
    }
}
