package dev.kiroku.sensor.linux.procfs;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What {@code /proc/<pid>} said about one process at one moment. Parts that could not be read
 * (the process exited mid-read, permission, a kernel thread has no exe) are null, -1 or empty,
 * and named in {@link #unreadable()}.
 *
 * @param pid            the pid (tgid) as seen through this proc root
 * @param ppid           parent pid (stat field 4)
 * @param comm           the kernel's short name (stat field 2, at most 15 bytes)
 * @param startTicks     start time in clock ticks after boot (stat field 22); with the pid, the
 *                       stable identity of a process across pid reuse
 * @param startTime      {@code startTicks} as an instant (boot time + ticks / ticks-per-second;
 *                       boot time has one-second resolution), null when unknown
 * @param session        session id (stat field 6)
 * @param ttyNr          controlling terminal device number (stat field 7), 0 when none
 * @param kernelThread   PF_KTHREAD is set (stat field 9): no argv, no exe
 * @param uid            real uid, -1 when unknown
 * @param euid           effective uid
 * @param gid            real gid
 * @param egid           effective gid
 * @param nsPids         the pid in each nested pid namespace, outermost first (status NSpid)
 * @param argv           argument vector from cmdline, empty for kernel threads and zombies
 * @param exe            executable path, without a {@code " (deleted)"} suffix
 * @param exeDeleted     the executable had been deleted or replaced when read
 * @param cwd            working directory
 * @param cgroup         the cgroup v2 path (the {@code 0::} line), null when none
 * @param containerId    64-hex container id found in the cgroup path, null when none
 * @param pidNamespace   inode of /proc/pid/ns/pid, 0 when unknown
 * @param mountNamespace inode of ns/mnt
 * @param netNamespace   inode of ns/net
 * @param loginUid       audit login uid, -1 when unset
 * @param auditSession   audit session id, -1 when unset
 * @param unreadable     the parts that could not be read
 */
public record ProcessSnapshot(int pid, int ppid, String comm, long startTicks, Instant startTime,
                              int session, int ttyNr, boolean kernelThread,
                              int uid, int euid, int gid, int egid, List<Integer> nsPids,
                              List<String> argv, String exe, boolean exeDeleted, String cwd,
                              String cgroup, String containerId,
                              long pidNamespace, long mountNamespace, long netNamespace,
                              int loginUid, long auditSession, Set<Part> unreadable) {

    public ProcessSnapshot {
        nsPids = List.copyOf(nsPids);
        argv = List.copyOf(argv);
        unreadable = Set.copyOf(unreadable);
    }

    /** The files a snapshot is made of. */
    public enum Part { STATUS, CMDLINE, EXE, CWD, CGROUP, NAMESPACES, LOGINUID, SESSIONID }

    /** Every part was read. */
    public boolean complete() {
        return unreadable.isEmpty();
    }
}
