package dev.kiroku.sensor.linux.audit;

import java.time.Instant;
import java.util.List;

/**
 * An execve/execveat. Failed execs (e.g. ENOENT) have no EXECVE record: argv is then empty and
 * {@code argvComplete} false.
 *
 * @param executable   the new image ({@code exe=} of SYSCALL, else the first PATH name)
 * @param argv         arguments, joined across split EXECVE records; invalid UTF-8 becomes U+FFFD
 * @param argvComplete argc matched the arguments found and every split argument had all its bytes
 * @param exitCode     the syscall's return value (0 on success, -errno on failure)
 */
public record ExecActivity(Instant time, long serial, int pid, int ppid, int uid, int euid, int auid, int gid,
                           int egid, long session, String tty, String comm, String executable, List<String> argv,
                           boolean argvComplete, String cwd, boolean success, long exitCode) implements AuditActivity {
    public ExecActivity {
        argv = List.copyOf(argv);
    }
}
