package dev.kiroku.sensor.linux.audit;

/**
 * A record that could not be parsed (no readable stamp, truncated datagram, ...), kept raw.
 *
 * @param raw     the record text as received (invalid UTF-8 replaced), capped at 64 KiB
 * @param problem what was wrong
 */
public record MalformedRecord(String raw, String problem) implements AuditActivity {
}
