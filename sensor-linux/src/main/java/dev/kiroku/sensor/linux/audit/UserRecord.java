package dev.kiroku.sensor.linux.audit;

import java.time.Instant;
import java.util.Map;

/**
 * A record written by user space (PAM, sshd, login, useradd, sudo, ...): USER_LOGIN, USER_START,
 * USER_END, USER_AUTH, USER_ACCT, CRED_ACQ, CRED_DISP, USER_CMD, ADD_USER, .... {@code fields}
 * holds every field decoded, with those of {@code msg='…'} flattened in.
 */
public record UserRecord(Instant time, long serial, String recordType, int pid, int uid, int auid, long session,
                         Map<String, String> fields) implements AuditActivity {
    public UserRecord {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
