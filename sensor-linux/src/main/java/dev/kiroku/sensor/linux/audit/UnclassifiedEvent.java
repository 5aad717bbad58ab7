package dev.kiroku.sensor.linux.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An audit event none of the other activities describe: CONFIG_CHANGE, AVC, SECCOMP, a syscall
 * Kiroku has no mapping for, or the leftover records of an event whose SYSCALL record was lost.
 *
 * @param recordTypes the names of the event's records, in arrival order
 * @param syscall     the syscall name when there was a SYSCALL record, else null
 * @param fields      the decoded fields of the first record
 */
public record UnclassifiedEvent(Instant time, long serial, List<String> recordTypes, String syscall, int pid,
                                Map<String, String> fields) implements AuditActivity {
    public UnclassifiedEvent {
        recordTypes = List.copyOf(recordTypes);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
