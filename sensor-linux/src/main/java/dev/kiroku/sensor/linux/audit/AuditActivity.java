package dev.kiroku.sensor.linux.audit;

/**
 * What one audit event (all records sharing a serial) says happened. Ids are {@code int}s where
 * the kernel's "unset" value 4294967295 reads as -1; sessions likewise use -1 for unset.
 */
public sealed interface AuditActivity
        permits ExecActivity, SocketActivity, CredentialActivity, UserRecord, UnclassifiedEvent, MalformedRecord {
}
