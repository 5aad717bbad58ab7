package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.match.Values;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Finds an event's timestamp in the usual fields of imported logs (UTC assumed when no offset is given). */
final class EventTimes {
    private static final List<String> FIELDS = List.of("@timestamp", "timestamp", "TimeCreated_SystemTime", "UtcTime",
            "EventTime", "time", "eventTime", "ts");

    private EventTimes() {
    }

    static Instant of(Document doc) {
        for (String f : FIELDS) {
            Object v = doc.get(f);
            if (v == null) continue;
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (d > 1e12) return Instant.ofEpochMilli((long) d);
                if (d > 1e8) return Instant.ofEpochMilli((long) (d * 1000));
                continue;
            }
            Instant t = parse(Values.text(v));
            if (t != null) return t;
        }
        return null;
    }

    static Instant parse(String text) {
        if (text == null) return null;
        String t = text.trim().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // no offset
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
