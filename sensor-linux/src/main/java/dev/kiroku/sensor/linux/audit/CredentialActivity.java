package dev.kiroku.sensor.linux.audit;

import java.time.Instant;
import java.util.List;

/**
 * A setuid/setgid family syscall. The id fields are the credentials after the call (the kernel
 * logs them at syscall exit); {@code requestedIds} are the call's arguments (-1 = unchanged).
 */
public record CredentialActivity(Instant time, long serial, String syscall, int pid, int ppid, int uid, int euid,
                                 int suid, int fsuid, int gid, int egid, int sgid, int fsgid, int auid, long session,
                                 String tty, String comm, String executable, List<Integer> requestedIds,
                                 boolean success, long exitCode) implements AuditActivity {
    public CredentialActivity {
        requestedIds = List.copyOf(requestedIds);
    }
}
