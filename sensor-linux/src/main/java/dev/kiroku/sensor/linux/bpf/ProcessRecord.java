package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.procfs.FileIdentity;

import java.time.Instant;

/**
 * One fork, exec or exit as the kernel's tracepoint saw it (see {@code src/main/bpf/process.bpf.c}). Pids are
 * thread-group ids. Nothing here was read from /proc: it cannot race the process.
 *
 * @param tid               the thread that forked, exec'd or (for an exit) ended the process last
 * @param monotonicNanos    CLOCK_MONOTONIC time of the event
 * @param startBoottimeNanos the process's start (CLOCK_BOOTTIME); /proc/PID/stat's starttime is this in clock ticks
 * @param cgroupId          the cgroup (v2) id of the task that ran the tracepoint: for a fork, the parent's
 * @param exitStatus        for an exit, the wait status ({@code code << 8 | signal}); else 0
 * @param pidNamespace      the inode of the process's pid namespace
 * @param namespacePid      the process's pid inside that namespace
 * @param mountNamespace    the inode of its mount namespace (0 in an exit: the task has left its namespaces)
 * @param netNamespace      the inode of its network namespace (0 in an exit)
 * @param comm              for an exec, the new image's command name (at most 15 bytes); null for a fork or an exit
 * @param exec              for an exec, the exec as audit would report it (executable, argv, cwd, login uid, session,
 *                          tty); else null
 * @param executableIdentity for an exec, its executable's device, inode, size and modification time at the exec (null
 *                          when it had none); else null
 */
public record ProcessRecord(Kind kind, int pid, int ppid, int tid, Instant time, long monotonicNanos,
                            long startBoottimeNanos, long cgroupId, int uid, int euid, int gid, int egid, int exitStatus,
                            long pidNamespace, int namespacePid, long mountNamespace, long netNamespace,
                            String comm, ExecActivity exec,
                            FileIdentity executableIdentity) {

    public enum Kind { FORK, EXEC, EXIT }

    ProcessRecord withExec(ExecActivity details, FileIdentity identity) {
        return new ProcessRecord(kind, pid, ppid, tid, time, monotonicNanos, startBoottimeNanos, cgroupId, uid, euid, gid,
                egid, exitStatus, pidNamespace, namespacePid, mountNamespace, netNamespace, comm, details, identity);
    }

    /** The exit code 0..255, or -1 when a signal ended the process. */
    public int exitCode() {
        return (exitStatus & 0x7F) == 0 ? (exitStatus >> 8) & 0xFF : -1;
    }

    /** The signal that ended the process, or 0. */
    public int signal() {
        return exitStatus & 0x7F;
    }
}
