package dev.kiroku.server.alerts;

import java.time.Instant;
import java.util.List;

/**
 * Where an analyst is with an alert: its status, who owns it, and who changed it last.
 *
 * @param status   one of {@link #STATUSES}; new alerts are {@code open}
 * @param assignee the analyst who owns it, or null
 * @param by       the user who last changed the triage, or null while untouched
 * @param updated  when the triage last changed, or null while untouched
 */
public record Triage(String status, String assignee, String by, Instant updated) {
    public static final List<String> STATUSES = List.of("open", "acknowledged", "false_positive", "resolved");
    public static final Triage OPEN = new Triage("open", null, null, null);

    public Triage {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("triage status must be one of " + STATUSES + ", not '" + status + "'");
        }
    }
}
